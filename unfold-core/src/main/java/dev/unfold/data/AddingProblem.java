package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * The adding problem (Hochreiter &amp; Schmidhuber 1997), in its modern form (Le et al. 2015): each step
 * reads a value in [0, 1] and a marker; exactly two steps are marked, one in each half of the sequence,
 * and after the last step the network must output the sum of the two marked values. Predicting 1
 * whatever the input scores MSE = Var(X1 + X2) = 1/6.
 */
public record AddingProblem(int length, int batch) implements LongMemoryTask {
    public AddingProblem {
        if (length < 2) {
            throw new IllegalArgumentException("the adding problem needs a length of at least 2, got " + length);
        }
    }

    @Override
    public String name() {
        return "adding";
    }

    @Override
    public String metric() {
        return "mse";
    }

    @Override
    public double baseline() {
        return 1.0 / 6;
    }

    @Override
    public SequenceModelSpec.Input taskInput() {
        return new SequenceModelSpec.Input(SequenceModelSpec.InputKind.VECTORS, 2, 0);
    }

    @Override
    public SequenceModelSpec.Output output() {
        return new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.VALUES, 1);
    }

    @Override
    public Episode episode(long index, Rng rng, DType dtype) {
        double[][] values = new double[batch][length];
        int[][] marks = new int[batch][2];
        double[] sums = new double[batch];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < length; t++) {
                values[b][t] = rng.nextDouble();
            }
            int half = length / 2;
            marks[b][0] = rng.nextInt(half);
            marks[b][1] = half + rng.nextInt(length - half);
            sums[b] = values[b][marks[b][0]] + values[b][marks[b][1]];
        }
        return new Episode() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public Tensor input(int t) {
                return Tensor.generate(dtype, Shape.of(batch, 2), i -> {
                    int b = i / 2;
                    return i % 2 == 0 ? values[b][t] : (marks[b][0] == t || marks[b][1] == t ? 1 : 0);
                });
            }

            @Override
            public Optional<Tensor> target(int t) {
                return t == length - 1 ? Optional.of(Tensor.generate(dtype, Shape.of(batch, 1), b -> sums[b])) : Optional.empty();
            }
        };
    }
}
