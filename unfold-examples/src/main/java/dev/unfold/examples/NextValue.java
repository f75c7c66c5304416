package dev.unfold.examples;

import dev.unfold.data.SeriesStreams;
import dev.unfold.eval.StepSession;
import dev.unfold.nn.CellType;
import dev.unfold.nn.SequenceModel;
import dev.unfold.run.Training;
import dev.unfold.tensor.Rng;
import dev.unfold.train.TrainingPlan;

/**
 * A GRU learns to predict the next value of a noisy sine wave (period 40 steps, noise 0.1), then runs step by
 * step over a stretch it has not seen, carrying its state, and is scored against always predicting the last
 * value.
 */
public class NextValue {
    public static void main(String[] args) {
        int updates = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        double[] series = noisySine(4_000, new Rng(7));
        SequenceModel model = SequenceModel.builder().vectors(1).cell(CellType.GRU).hidden(32).values(1).build();
        TrainingPlan plan = TrainingPlan.builder().batch(8).sequenceLength(40).learningRate(0.01).updates(updates).build();
        Training.Result trained = Training.of(model, SeriesStreams.nextValue(series, 8), plan).run();
        System.out.printf("training loss after %d updates: %.4f%n", trained.last().step(), trained.last().loss());

        double[] unseen = noisySine(400, new Rng(99));
        StepSession session = StepSession.of(trained.model());
        double model2 = 0;
        double naive2 = 0;
        for (int t = 0; t + 1 < unseen.length; t++) {
            double predicted = session.step(unseen[t])[0];
            model2 += Math.pow(predicted - unseen[t + 1], 2);
            naive2 += Math.pow(unseen[t] - unseen[t + 1], 2);
        }
        int n = unseen.length - 1;
        System.out.printf("step by step on unseen data: mse %.4f, last-value baseline %.4f%n", model2 / n, naive2 / n);
    }

    static double[] noisySine(int length, Rng rng) {
        double[] s = new double[length];
        double phase = rng.nextDouble() * 2 * Math.PI;
        for (int t = 0; t < length; t++) {
            s[t] = Math.sin(2 * Math.PI * t / 40 + phase) + 0.1 * rng.nextGaussian();
        }
        return s;
    }
}
