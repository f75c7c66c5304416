package dev.unfold.data;

import java.util.Arrays;

/**
 * Per-column standardisation {@code z = (v − μ) / σ} with the mean and standard deviation of the training
 * split, saved with a model and applied unchanged to every later input; a constant column keeps σ = 1.
 */
public record Standardization(double[] mean, double[] std) {
    public Standardization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("a standardisation needs one mean and one deviation per column, got " + mean.length + " and " + std.length);
        }
        for (int i = 0; i < std.length; i++) {
            if (!Double.isFinite(mean[i]) || !(std[i] > 0) || !Double.isFinite(std[i])) {
                throw new IllegalArgumentException("column " + i + " has mean " + mean[i] + " and deviation " + std[i] + "; both must be finite, the deviation positive");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The statistics of the rows {@code rows[i][column]}, by Welford's running update (stable for large offsets). */
    public static Standardization of(Iterable<double[]> rows, int width) {
        double[] mean = new double[width];
        double[] m2 = new double[width];
        long n = 0;
        for (double[] r : rows) {
            n++;
            for (int c = 0; c < width; c++) {
                double d = r[c] - mean[c];
                mean[c] += d / n;
                m2[c] += d * (r[c] - mean[c]);
            }
        }
        double[] std = new double[width];
        for (int c = 0; c < width; c++) {
            double s = n > 1 ? Math.sqrt(m2[c] / (n - 1)) : 0;
            std[c] = s > 1e-12 * Math.max(1, Math.abs(mean[c])) ? s : 1;
        }
        return new Standardization(mean, std);
    }

    public int width() {
        return mean.length;
    }

    /** {@code (v − μ) / σ}, column by column. */
    public double[] apply(double[] v) {
        double[] z = new double[v.length];
        for (int c = 0; c < v.length; c++) {
            z[c] = (v[c] - mean[c]) / std[c];
        }
        return z;
    }

    /** {@code z σ + μ}: a standardised value back in the data's own units. */
    public double[] invert(double[] z) {
        double[] v = new double[z.length];
        for (int c = 0; c < z.length; c++) {
            v[c] = z[c] * std[c] + mean[c];
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Standardization s && Arrays.equals(s.mean, mean) && Arrays.equals(s.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Standardization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
