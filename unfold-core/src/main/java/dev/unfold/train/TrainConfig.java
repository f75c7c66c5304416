package dev.unfold.train;

import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.optim.Adagrad;
import dev.unfold.optim.Adam;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.Optimizer;
import dev.unfold.optim.RmsProp;
import dev.unfold.optim.Sgd;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Everything that defines a training run, as saved in its checkpoint. Text runs name their file in
 * {@code data.text} (empty for the embedded corpus); task runs name the task and its length.
 */
public record TrainConfig(Data data, Model model, Schedule schedule, Optimization optimization, long seed) {
    /** What to train on. */
    public record Data(String text, String task, int length, double validationFraction) {
        public boolean isTask() {
            return !task.isEmpty();
        }
    }

    /** The network. {@code embedding} 0 reads one-hot input. */
    public record Model(String cell, int hidden, int layers, int embedding, String init) {
        public CellType cellType() {
            return CellType.parse(cell);
        }

        public InitScheme initScheme() {
            return InitScheme.parse(init);
        }
    }

    /** How data flows: sequence length, batch, BPTT windows and the budget. 0 steps or minutes means no limit of that kind. */
    public record Schedule(int seq, int batch, int k1, int k2, long steps, double minutes, int logEvery, int evalEvery, int checkpointEvery) {
        public TruncatedBptt tbptt() {
            return new TruncatedBptt(k1, k2);
        }
    }

    /** Optimizer, learning rate and its schedule, clipping. Clipping thresholds of 0 are off. */
    public record Optimization(String optimizer, double lr, double momentum, double weightDecay, String lrSchedule,
            long warmup, long decayEvery, double decayGamma, double clipNorm, double clipValue) {

        public Optimizer createOptimizer() {
            return switch (optimizer.toLowerCase(Locale.ROOT)) {
                case "sgd" -> new Sgd(momentum, Sgd.Momentum.HEAVY_BALL, weightDecay);
                case "nesterov" -> new Sgd(momentum, Sgd.Momentum.NESTEROV, weightDecay);
                case "adagrad" -> new Adagrad();
                case "rmsprop" -> new RmsProp();
                case "adam" -> new Adam();
                case "adamw" -> new Adam(weightDecay);
                default -> throw new IllegalArgumentException("unknown optimizer '" + optimizer
                        + "'; known: sgd, nesterov, adagrad, rmsprop, adam, adamw");
            };
        }

        public LearningRateSchedule createSchedule(long totalSteps) {
            return switch (lrSchedule.toLowerCase(Locale.ROOT)) {
                case "constant" -> new LearningRateSchedule.Constant(lr);
                case "step" -> new LearningRateSchedule.StepDecay(lr, decayEvery, decayGamma);
                case "cosine" -> {
                    if (totalSteps <= 0) {
                        throw new IllegalArgumentException("--schedule cosine needs --steps to know where the cosine ends");
                    }
                    yield new LearningRateSchedule.CosineWithWarmup(lr, warmup, totalSteps, lr * 0.01);
                }
                default -> throw new IllegalArgumentException("unknown schedule '" + lrSchedule + "'; known: constant, step, cosine");
            };
        }

        public Clipping clipping() {
            return new Clipping(clipNorm > 0 ? OptionalDouble.of(clipNorm) : OptionalDouble.empty(),
                    clipValue > 0 ? OptionalDouble.of(clipValue) : OptionalDouble.empty());
        }
    }
}
