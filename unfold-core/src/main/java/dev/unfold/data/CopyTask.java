package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * The copy task (Hochreiter &amp; Schmidhuber 1997; Arjovsky et al. 2016): ten symbols drawn from eight,
 * then T − 1 blanks, a delimiter, and ten more blanks, during which the network must repeat the ten
 * symbols. Symbols: 0 blank, 1-8 data, 9 delimiter. The loss is the cross-entropy over all T + 20 steps;
 * a network without memory predicts blanks and then guesses, scoring 10 ln 8 / (T + 20).
 */
public record CopyTask(int delay, int batch) implements LongMemoryTask {
    static final int SYMBOLS = 10;
    static final int REMEMBER = 10;
    static final int BLANK = 0;
    static final int DELIMITER = 9;

    public CopyTask {
        if (delay < 1) {
            throw new IllegalArgumentException("the copy task needs a delay of at least 1, got " + delay);
        }
    }

    @Override
    public String name() {
        return "copy";
    }

    @Override
    public int length() {
        return delay + 2 * REMEMBER;
    }

    @Override
    public String metric() {
        return "nats per step";
    }

    @Override
    public double baseline() {
        return REMEMBER * Math.log(8) / (delay + 2 * REMEMBER);
    }

    @Override
    public SequenceModelSpec.Input taskInput() {
        return new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, SYMBOLS, 0);
    }

    @Override
    public SequenceModelSpec.Output output() {
        return new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, SYMBOLS);
    }

    @Override
    public Episode episode(long index, Rng rng, DType dtype) {
        int total = length();
        int[][] in = new int[batch][total];
        int[][] out = new int[batch][total];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < REMEMBER; k++) {
                int s = 1 + rng.nextInt(8);
                in[b][k] = s;
                out[b][total - REMEMBER + k] = s;
            }
            in[b][REMEMBER + delay - 1] = DELIMITER;
        }
        return new Episode() {
            @Override
            public int length() {
                return total;
            }

            @Override
            public Tensor input(int t) {
                return Tensor.generate(dtype, Shape.of(batch), b -> in[b][t]);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.of(Tensor.generate(dtype, Shape.of(batch), b -> out[b][t]));
            }
        };
    }
}
