package dev.unfold.exec;

import dev.unfold.op.OneHot;
import dev.unfold.op.ScatterAdd;
import dev.unfold.tensor.Shape;

/** Instructions that index by class or row: gather, scatter-add, one-hot, softmax and cross-entropy. */
final class LookupInstructions {
    private LookupInstructions() {
    }

    static Instruction gather(Shape table, int[] in, int o) {
        int rows = table.dim(0);
        int width = table.dim(1);
        return v -> {
            float[] t = v[in[0]];
            float[] idx = v[in[1]];
            for (int r = 0; r < idx.length; r++) {
                System.arraycopy(t, index(idx[r], rows) * width, v[o], r * width, width);
            }
        };
    }

    static Instruction scatterAdd(ScatterAdd s, Shape src, int[] in, int o) {
        int width = src.dim(1);
        int n = src.dim(0);
        int rows = s.rows();
        return v -> {
            float[] out = v[o];
            java.util.Arrays.fill(out, 0, rows * width, 0f);
            float[] x = v[in[0]];
            float[] idx = v[in[1]];
            for (int r = 0; r < n; r++) {
                int base = index(idx[r], rows) * width;
                for (int c = 0; c < width; c++) {
                    out[base + c] += x[r * width + c];
                }
            }
        };
    }

    static Instruction oneHot(OneHot h, int[] in, int o) {
        int classes = h.classes();
        return v -> {
            float[] idx = v[in[0]];
            float[] out = v[o];
            java.util.Arrays.fill(out, 0, idx.length * classes, 0f);
            for (int r = 0; r < idx.length; r++) {
                out[r * classes + index(idx[r], classes)] = 1f;
            }
        };
    }

    /** {@code exp(x − max) / Σ exp(x − max)} per row: one exponential per element. */
    static Instruction softmax(Shape shape, int[] in, int o) {
        int cols = shape.dim(-1);
        int rows = shape.size() / cols;
        return v -> {
            float[] x = v[in[0]];
            float[] out = v[o];
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                float max = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, x[base + c]);
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    double e = Math.exp(x[base + c] - max);
                    out[base + c] = (float) e;
                    sum += e;
                }
                float scale = (float) (1 / sum);
                for (int c = 0; c < cols; c++) {
                    out[base + c] *= scale;
                }
            }
        };
    }

    static Instruction crossEntropy(Shape logits, int[] in, int o) {
        int rows = logits.dim(0);
        int cols = logits.dim(1);
        return v -> {
            float[] z = v[in[0]];
            float[] t = v[in[1]];
            double total = 0;
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                total += logSumExp(z, base, cols) - z[base + index(t[r], cols)];
            }
            v[o][0] = (float) (total / rows);
        };
    }

    /** {@code log Σ_c exp(x[base + c])} over one row, stably: the row's maximum is taken out first. */
    private static double logSumExp(float[] x, int base, int cols) {
        float max = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += Math.exp(x[base + c] - max);
        }
        return max + Math.log(sum);
    }

    static int index(float value, int bound) {
        int i = (int) value;
        if (i != value || i < 0 || i >= bound) {
            throw new IllegalArgumentException("index " + value + " is not in [0, " + bound + ")");
        }
        return i;
    }
}
