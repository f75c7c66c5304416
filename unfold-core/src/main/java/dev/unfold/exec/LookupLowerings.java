package dev.unfold.exec;

import dev.unfold.graph.Node;
import dev.unfold.kernel.SoftmaxKernels;
import dev.unfold.kernel.SoftmaxRows;
import dev.unfold.op.OneHot;
import dev.unfold.op.ScatterAdd;
import dev.unfold.tensor.Shape;

/** Primitives that index by class or row: gather, scatter-add, one-hot, softmax and cross-entropy. */
final class LookupLowerings {
    private LookupLowerings() {
    }

    static Instruction gather(Node n, Lowering.Context c) {
        Shape table = c.input(n, 0).shape();
        int[] in = c.inputs(n);
        int o = n.id();
        int rows = table.dim(0);
        int width = table.dim(1);
        int picked = c.input(n, 1).shape().size();
        return v -> {
            float[] t = v[in[0]];
            float[] idx = v[in[1]];
            for (int r = 0; r < picked; r++) {
                System.arraycopy(t, index(idx[r], rows) * width, v[o], r * width, width);
            }
        };
    }

    static Instruction scatterAdd(Node n, Lowering.Context c) {
        Shape src = c.input(n, 0).shape();
        int[] in = c.inputs(n);
        int o = n.id();
        int width = src.dim(1);
        int count = src.dim(0);
        int rows = ((ScatterAdd) n.op()).rows();
        return v -> {
            float[] out = v[o];
            java.util.Arrays.fill(out, 0, rows * width, 0f);
            float[] x = v[in[0]];
            float[] idx = v[in[1]];
            for (int r = 0; r < count; r++) {
                int base = index(idx[r], rows) * width;
                for (int k = 0; k < width; k++) {
                    out[base + k] += x[r * width + k];
                }
            }
        };
    }

    static Instruction oneHot(Node n, Lowering.Context c) {
        int classes = ((OneHot) n.op()).classes();
        int x = n.inputs().get(0);
        int o = n.id();
        int count = c.input(n, 0).shape().size();
        return v -> {
            float[] idx = v[x];
            float[] out = v[o];
            java.util.Arrays.fill(out, 0, count * classes, 0f);
            for (int r = 0; r < count; r++) {
                out[r * classes + index(idx[r], classes)] = 1f;
            }
        };
    }

    /** {@code exp(x − max) / Σ exp(x − max)} per row ({@link RowSoftmax}). */
    static Instruction softmax(Node n, Lowering.Context c) {
        int cols = n.shape().dim(-1);
        int rows = n.shape().size() / cols;
        int in = n.inputs().get(0);
        int o = n.id();
        SoftmaxRows kernel = SoftmaxKernels.inUse();
        return v -> kernel.softmax(v[in], v[o], rows, cols);
    }

    static Instruction crossEntropy(Node n, Lowering.Context c) {
        return crossEntropy(n, c, false);
    }

    static Instruction weightedCrossEntropy(Node n, Lowering.Context c) {
        return crossEntropy(n, c, true);
    }

    /** The mean cross-entropy over the rows, or with {@code weighted} the sum of each row's weighted by the third input (rows of weight 0 skipped). */
    private static Instruction crossEntropy(Node n, Lowering.Context c, boolean weighted) {
        Shape logits = c.input(n, 0).shape();
        int[] in = c.inputs(n);
        int o = n.id();
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        double[] lse = new double[rows];
        SoftmaxRows kernel = SoftmaxKernels.inUse();
        return v -> {
            float[] z = v[in[0]];
            float[] t = v[in[1]];
            float[] w = weighted ? v[in[2]] : null;
            kernel.logSumExp(z, rows, cols, lse);
            double total = 0;
            for (int r = 0; r < rows; r++) {
                double weight = weighted ? w[r] : 1;
                if (weight != 0) {
                    total += weight * (lse[r] - z[r * cols + index(t[r], cols)]);
                }
            }
            v[o][0] = (float) (weighted ? total : total / rows);
        };
    }

    static int index(float value, int bound) {
        int i = (int) value;
        if (i != value || i < 0 || i >= bound) {
            throw new IllegalArgumentException("index " + value + " is not in [0, " + bound + ")");
        }
        return i;
    }
}
