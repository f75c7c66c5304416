package dev.unfold.kernel;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;

/** Reductions, accumulated in double whatever the storage precision. */
public final class Reduce {
    private Reduce() {
    }

    /** Sums {@code x} down to {@code target}, the inverse of broadcasting {@code target} to x's shape. */
    public static Tensor sumTo(Tensor x, Shape target) {
        if (!Broadcast.broadcastsTo(target, x.shape())) {
            throw new IllegalArgumentException("cannot sum " + x.shape() + " to " + target);
        }
        int[] dst = Broadcast.sourceIndex(target, x.shape());
        double[] acc = new double[target.size()];
        for (int i = 0; i < dst.length; i++) {
            acc[dst[i]] += x.get(i);
        }
        return fromDoubles(x.dtype(), target, acc);
    }

    /** Row-wise softmax over the last axis, computed stably by subtracting each row's maximum. */
    public static Tensor softmaxLastAxis(Tensor x) {
        int cols = x.shape().dim(-1);
        int rows = x.size() / Math.max(cols, 1);
        double[] out = new double[x.size()];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double lse = logSumExp(x, base, cols);
            for (int j = 0; j < cols; j++) {
                out[base + j] = Math.exp(x.get(base + j) - lse);
            }
        }
        return fromDoubles(x.dtype(), x.shape(), out);
    }

    /**
     * Mean over rows of {@code -log softmax(logits)[target]}. Logits are (N, C); targets hold N class
     * indices stored as numbers.
     */
    public static double meanCrossEntropy(Tensor logits, Tensor targets) {
        int cols = logits.shape().dim(-1);
        int rows = targets.size();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            total += logSumExp(logits, base, cols) - logits.get(base + Rows.index(targets, r, cols));
        }
        return total / rows;
    }

    /** {@code Σ_n w_n (log Σ_j exp(z_nj) − z_n[t_n])}: cross-entropy of each row weighted by (N, 1) weights; rows of weight 0 are skipped. */
    public static double weightedCrossEntropy(Tensor logits, Tensor targets, Tensor weights) {
        int cols = logits.shape().dim(-1);
        double total = 0;
        for (int r = 0; r < targets.size(); r++) {
            double w = weights.get(r);
            if (w != 0) {
                int base = r * cols;
                total += w * (logSumExp(logits, base, cols) - logits.get(base + Rows.index(targets, r, cols)));
            }
        }
        return total;
    }

    /** {@code log Σ_j exp(x[base + j])} over one row, stably: the row's maximum is taken out first. */
    static double logSumExp(Tensor x, int base, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < cols; j++) {
            max = Math.max(max, x.get(base + j));
        }
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            sum += Math.exp(x.get(base + j) - max);
        }
        return max + Math.log(sum);
    }

    static Tensor fromDoubles(DType dtype, Shape shape, double[] values) {
        return dtype == DType.F64 ? Tensor.wrap(shape, values) : Tensor.generate(dtype, shape, i -> values[i]);
    }
}
