package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.SequenceModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Generates text from a character model one step at a time: feed a character, read the next-character
 * distribution {@code softmax(logits / temperature)}, keep the {@code topK} likeliest (all when 0), draw,
 * feed the draw back. The prime text is fed first. The unknown symbol is never drawn.
 */
public final class Sampler {
    private final Executor executor;
    private final Map<String, Tensor> params;
    private final WindowGraph step;

    public Sampler(SequenceModel model, Map<String, Tensor> params, Executor executor) {
        this.executor = executor;
        this.params = params;
        this.step = WindowGraph.build(model, 1, new boolean[1], DType.F32, WindowGraph.Mode.FORWARD);
    }

    /** {@code length} generated characters after {@code prime} (not included in the result). */
    public String sample(Vocabulary vocab, String prime, int length, double temperature, int topK, Rng rng) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("--temperature must be positive, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be 0 (all) or positive, got " + topK);
        }
        Map<String, Tensor> state = WindowRun.zeroStates(step);
        int[] primeIds = vocab.encode(prime.isEmpty() ? "\n" : prime).ids();
        double[] logits = null;
        for (int id : primeIds) {
            StepOut out = feed(id, state);
            state = out.state;
            logits = out.logits;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int next = draw(logits, temperature, topK, rng);
            text.append(vocab.decode(next));
            StepOut out = feed(next, state);
            state = out.state;
            logits = out.logits;
        }
        return text.toString();
    }

    private record StepOut(double[] logits, Map<String, Tensor> state) {
    }

    private StepOut feed(int id, Map<String, Tensor> state) {
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
        WindowRun run = WindowRun.execute(executor, step, params, one, 0, state, new WindowRun.Keep(0, true, false));
        return new StepOut(run.values().get(step.parts().outputs().get(0)).toDoubleArray(), run.statesAfter(0));
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
