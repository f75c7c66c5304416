package dev.unfold.kernel;

/**
 * The exponentials of a softmax over each row of a (rows, cols) block, {@code e^{x − max}}, with each row's
 * maximum and sum, for softmax and cross-entropy. A row is short (a vocabulary of 65): too short for a vectorised
 * loop, which the JIT unrolls to a hundred elements or more. So the block is taken as one array: each row shifted
 * by its maximum, then {@link Activations#expNonPositive}'s polynomial over the whole block (multiplies and adds,
 * vectorised), then its power of two, whose bits a vector loop cannot build, element by element, then the row sums
 * in four chains: a log-sum-exp of 16 × 65 in 3.6 µs against 7.4 for one exponential at a time (standalone).
 */
public final class RowSoftmax {
    /** These passes as a {@link SoftmaxRows}: what programs run without a native kernel, and what every kernel is held to. */
    public static final SoftmaxRows JAVA = new SoftmaxRows() {
        @Override
        public String name() {
            return "java passes";
        }

        @Override
        public GemmBackend.Availability availability() {
            return GemmBackend.Availability.yes();
        }

        @Override
        public void softmax(float[] x, float[] out, int rows, int cols) {
            RowSoftmax.softmax(x, out, rows, cols);
        }

        @Override
        public void logSumExp(float[] x, int rows, int cols, double[] lse) {
            RowSoftmax.logSumExp(x, rows, cols, lse);
        }
    };

    /** Each thread's scratch blocks: the exponents, and the exponentials of a log-sum-exp. */
    private static final ThreadLocal<float[]> EXPONENTS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> EXPONENTIALS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> MAXES = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> SUMS = ThreadLocal.withInitial(() -> new double[0]);

    private RowSoftmax() {
    }

    /** {@code out[r] = softmax(x[r])}; {@code out} may be {@code x}. */
    public static void softmax(float[] x, float[] out, int rows, int cols) {
        float[] maxes = scratch(MAXES, rows);
        double[] sums = sums(rows);
        exponentials(x, out, rows, cols, maxes, sums);
        for (int r = 0; r < rows; r++) {
            float scale = (float) (1 / sums[r]);
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                out[base + c] *= scale;
            }
        }
    }

    /** {@code lse[r] = log Σ_c e^{x[r][c]}}, stably (each row's maximum taken out first). */
    public static void logSumExp(float[] x, int rows, int cols, double[] lse) {
        float[] maxes = scratch(MAXES, rows);
        double[] sums = sums(rows);
        exponentials(x, scratch(EXPONENTIALS, rows * cols), rows, cols, maxes, sums);
        for (int r = 0; r < rows; r++) {
            lse[r] = maxes[r] + Math.log(sums[r]);
        }
    }

    /**
     * {@code out[r][c] = e^{x[r][c] − max_r}}, {@code maxes[r] = max_r} and {@code sums[r] = Σ_c out[r][c]} (in
     * double); {@code out} may be {@code x}. A row holding NaN has NaN in its sum.
     */
    private static void exponentials(float[] x, float[] out, int rows, int cols, float[] maxes, double[] sums) {
        int n = rows * cols;
        float[] k = scratch(EXPONENTS, n);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                float v = x[base + c];
                max = v > max ? v : max;
            }
            maxes[r] = max;
            for (int c = 0; c < cols; c++) {
                out[base + c] = x[base + c] - max;
            }
        }
        Activations.expNonPositiveReduced(out, k, n);
        for (int i = 0; i < n; i++) {
            out[i] = Activations.scaledByExponent(out[i], k[i]);
        }
        for (int r = 0; r < rows; r++) {
            sums[r] = sum(out, r * cols, cols);
        }
    }

    /** Σ x[base, base + n) in double, in four chains (one chain waits on each add). */
    private static double sum(float[] x, int base, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int c = base;
        int end = base + n;
        for (; c + 3 < end; c += 4) {
            s0 += x[c];
            s1 += x[c + 1];
            s2 += x[c + 2];
            s3 += x[c + 3];
        }
        for (; c < end; c++) {
            s0 += x[c];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float[] scratch(ThreadLocal<float[]> of, int n) {
        float[] s = of.get();
        if (s.length < n) {
            s = new float[n];
            of.set(s);
        }
        return s;
    }

    private static double[] sums(int n) {
        double[] s = SUMS.get();
        if (s.length < n) {
            s = new double[n];
            SUMS.set(s);
        }
        return s;
    }
}
