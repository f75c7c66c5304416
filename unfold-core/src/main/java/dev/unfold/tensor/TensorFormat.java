package dev.unfold.tensor;

import java.util.Locale;

/** Text forms of tensors and element-wise comparison. */
public final class TensorFormat {
    private static final int PREVIEW = 6;

    private TensorFormat() {
    }

    /** {@code F32[2, 3] [0.1, 0.2, ...]}. */
    public static String describe(Tensor t) {
        StringBuilder sb = new StringBuilder().append(t.dtype()).append(t.shape()).append(" [");
        int n = Math.min(PREVIEW, t.size());
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", t.get(i)));
        }
        return sb.append(t.size() > PREVIEW ? ", ...]" : "]").toString();
    }

    /**
     * Largest element-wise error {@code |a - b| / max(1, |b|)}: absolute for small values, relative for
     * large ones. Shapes must agree.
     */
    public static double maxMixedError(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("shapes differ: " + a.shape() + " vs " + b.shape());
        }
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            double e = Math.abs(a.get(i) - b.get(i)) / Math.max(1.0, Math.abs(b.get(i)));
            worst = Math.max(worst, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
        }
        return worst;
    }

    /** Relative error of two tensors as a whole: {@code ||a - b|| / max(||a||, ||b||)}, 0 when both vanish. */
    public static double relativeError(Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("shapes differ: " + a.shape() + " vs " + b.shape());
        }
        double diff = 0;
        for (int i = 0; i < a.size(); i++) {
            double d = a.get(i) - b.get(i);
            diff += d * d;
        }
        double scale = Math.max(a.norm(), b.norm());
        if (scale == 0) {
            return Math.sqrt(diff);
        }
        double r = Math.sqrt(diff) / scale;
        return Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
    }
}
