package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * Parity (Hochreiter &amp; Schmidhuber 1997): T random bits, and after the last the network must say whether
 * an odd number of them were 1. Every bit matters to the answer, so no shortcut ignores the distant
 * past. Guessing scores ln 2 nats (50% accuracy).
 */
public record ParityTask(int length, int batch) implements LongMemoryTask {
    public ParityTask {
        if (length < 1) {
            throw new IllegalArgumentException("parity needs a length of at least 1, got " + length);
        }
    }

    @Override
    public String name() {
        return "parity";
    }

    @Override
    public String metric() {
        return "nats per answer";
    }

    @Override
    public double baseline() {
        return Math.log(2);
    }

    @Override
    public SequenceModelSpec.Input taskInput() {
        return new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, 2, 0);
    }

    @Override
    public SequenceModelSpec.Output output() {
        return new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, 2);
    }

    @Override
    public Episode episode(long index, Rng rng, DType dtype) {
        int[][] bits = new int[batch][length];
        int[] parity = new int[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                bits[b][t] = rng.nextInt(2);
                parity[b] ^= bits[b][t];
            }
        }
        return new Episode() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public Tensor input(int t) {
                return Tensor.generate(dtype, Shape.of(batch), b -> bits[b][t]);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return t == length - 1 ? Optional.of(Tensor.generate(dtype, Shape.of(batch), b -> parity[b])) : Optional.empty();
            }
        };
    }
}
