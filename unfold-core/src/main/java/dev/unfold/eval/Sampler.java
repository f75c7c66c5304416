package dev.unfold.eval;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.Arrays;
import java.util.Optional;

/**
 * Generates text from a character model one step at a time: feed a character, read the next-character
 * distribution {@code softmax(logits / temperature)}, keep the {@code topK} likeliest (all when 0), draw,
 * feed the draw back. The prime text is fed first. The unknown symbol is never drawn.
 */
public final class Sampler {
    private final WindowRunner runner;
    private final Weights weights;
    private final Vocabulary vocabulary;
    private final WindowGraph step;

    /** How to draw: softmax temperature, the K likeliest only (0: all), and the seed of the draws. */
    public record Sampling(double temperature, int topK, long seed) {
        public Sampling {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("the temperature must be positive and finite, got " + temperature);
            }
            if (topK < 0) {
                throw new IllegalArgumentException("top-k must be 0 (all) or positive, got " + topK);
            }
        }

        /** All characters at {@code temperature}, seed 1. */
        public static Sampling temperature(double temperature) {
            return new Sampling(temperature, 0, 1);
        }

        public Sampling withSeed(long s) {
            return new Sampling(temperature, topK, s);
        }

        public Sampling withTopK(int k) {
            return new Sampling(temperature, k, seed);
        }
    }

    public Sampler(RecurrentModel model, Weights weights, Vocabulary vocabulary) {
        this.runner = WindowRunner.local(new CompiledExecutor());
        this.weights = weights.to(DType.F32);
        this.vocabulary = vocabulary;
        this.step = WindowGraph.build(model, 1, new boolean[1], DType.F32, WindowGraph.Mode.FORWARD);
    }

    /** A sampler for a trained character model. */
    public static Sampler of(TrainedModel trained) {
        return new Sampler(trained.model(), trained.weights(), trained.vocabulary().orElseThrow(() -> new IllegalArgumentException(
                "the model was not trained on characters; it has no vocabulary to sample from")));
    }

    /** {@code length} generated characters after {@code prime} (not included in the result). */
    public String sample(String prime, int length, Sampling sampling) {
        Rng rng = new Rng(sampling.seed());
        RecurrentState state = step.zeroState();
        int[] primeIds = vocabulary.encode(prime.isEmpty() ? "\n" : prime).ids();
        double[] logits = null;
        for (int id : primeIds) {
            WindowRun out = feed(id, state);
            state = out.stateAfter(0);
            logits = out.output(0).toDoubleArray();
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int next = draw(logits, sampling.temperature(), sampling.topK(), rng);
            text.append(vocabulary.decode(next));
            WindowRun out = feed(next, state);
            state = out.stateAfter(0);
            logits = out.output(0).toDoubleArray();
        }
        return text.toString();
    }

    private WindowRun feed(int id, RecurrentState state) {
        Episode one = new Episode() {
            @Override
            public int length() {
                return 1;
            }

            @Override
            public Tensor input(int t) {
                return Tensor.full(DType.F32, Shape.of(1), id);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.empty();
            }
        };
        return runner.run(step, weights, one, 0, state, WindowRunner.Keep.states(0).withOutputs());
    }

    static int draw(double[] logits, double temperature, int topK, Rng rng) {
        double[] p = new double[logits.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 1; i < logits.length; i++) {
            max = Math.max(max, logits[i] / temperature);
        }
        double cutoff = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < logits.length - 1) {
            double[] sorted = Arrays.copyOfRange(logits, 1, logits.length);
            Arrays.sort(sorted);
            cutoff = sorted[sorted.length - topK];
        }
        double sum = 0;
        for (int i = 1; i < logits.length; i++) {
            p[i] = logits[i] >= cutoff ? Math.exp(logits[i] / temperature - max) : 0;
            sum += p[i];
        }
        double u = rng.nextDouble() * sum;
        for (int i = 1; i < p.length; i++) {
            u -= p[i];
            if (u <= 0) {
                return i;
            }
        }
        return p.length - 1;
    }
}
