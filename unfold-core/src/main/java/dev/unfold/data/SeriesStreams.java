package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * A series of vectors with a target vector at every step, cut into B contiguous streams read side by
 * side, as {@link TextStreams} cuts a text: the state carried from one update to the next belongs to the
 * same stretch of the series. Inputs are (B, F), targets (B, O); the model's output is scored as values.
 */
public final class SeriesStreams implements SequenceSource {
    private final double[][] inputs;
    private final double[][] targets;
    private final int batch;
    private final int streamLength;

    /** {@code inputs[t]} and {@code targets[t]} at step t; every row of each the same width, all values finite. */
    public SeriesStreams(double[][] inputs, double[][] targets, int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException("a series needs at least one stream per batch, got " + batch);
        }
        if (inputs.length != targets.length || inputs.length == 0) {
            throw new IllegalArgumentException("a series needs as many targets as inputs, and at least one step; got "
                    + inputs.length + " inputs and " + targets.length + " targets");
        }
        checkRows("input", inputs);
        checkRows("target", targets);
        this.inputs = inputs;
        this.targets = targets;
        this.batch = batch;
        this.streamLength = inputs.length / batch;
        if (streamLength < 1) {
            throw new IllegalArgumentException("the series has " + inputs.length + " steps, too few for " + batch + " streams");
        }
    }

    /** Predict the next value of a univariate series: input x_t, target x_{t+1}. */
    public static SeriesStreams nextValue(double[] series, int batch) {
        if (series.length < 2) {
            throw new IllegalArgumentException("a series to predict needs at least 2 values, got " + series.length);
        }
        double[][] in = new double[series.length - 1][];
        double[][] out = new double[series.length - 1][];
        for (int t = 0; t + 1 < series.length; t++) {
            in[t] = new double[] {series[t]};
            out[t] = new double[] {series[t + 1]};
        }
        return new SeriesStreams(in, out, batch);
    }

    private static void checkRows(String what, double[][] rows) {
        int width = rows[0].length;
        if (width == 0) {
            throw new IllegalArgumentException("a series " + what + " needs at least one value per step");
        }
        for (int t = 0; t < rows.length; t++) {
            if (rows[t].length != width) {
                throw new IllegalArgumentException(what + " at step " + t + " has " + rows[t].length + " values; step 0 has " + width);
            }
            for (double v : rows[t]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(what + " at step " + t + " holds " + v);
                }
            }
        }
    }

    /** Steps in one pass over the streams. */
    public int steps() {
        return streamLength;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public SequenceModelSpec.Input input(int embedding) {
        return new SequenceModelSpec.Input(SequenceModelSpec.InputKind.VECTORS, inputs[0].length, 0);
    }

    @Override
    public SequenceModelSpec.Output output() {
        return new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.VALUES, targets[0].length);
    }

    @Override
    public Episode episode(long index, Rng rng, DType dtype) {
        return new Episode() {
            @Override
            public int length() {
                return streamLength;
            }

            @Override
            public Tensor input(int t) {
                return rows(inputs, t, dtype);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.of(rows(targets, t, dtype));
            }
        };
    }

    private Tensor rows(double[][] source, int t, DType dtype) {
        int width = source[0].length;
        return Tensor.generate(dtype, Shape.of(batch, width), i -> source[(i / width) * streamLength + t][i % width]);
    }
}
