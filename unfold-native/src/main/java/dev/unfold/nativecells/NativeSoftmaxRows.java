package dev.unfold.nativecells;

import dev.unfold.kernel.GemmBackend;
import dev.unfold.kernel.SoftmaxRows;

/** Rows' softmax and log-sum-exp in C++ (AVX-512 or AVX2, chosen by the processor), found by unfold-core's ServiceLoader. */
public final class NativeSoftmaxRows implements SoftmaxRows {
    private static final String PROBLEM = problem();
    /** Each thread's scratch: the rows' maxima. */
    private static final ThreadLocal<float[]> MAXES = ThreadLocal.withInitial(() -> new float[0]);

    @Override
    public String name() {
        return "native (" + SoftmaxRowsLibrary.instructions() + ")";
    }

    @Override
    public GemmBackend.Availability availability() {
        return PROBLEM == null ? GemmBackend.Availability.yes() : GemmBackend.Availability.no(PROBLEM);
    }

    @Override
    public void softmax(float[] x, float[] out, int rows, int cols) {
        long size = block(rows, cols);
        check(x.length, size, "input");
        check(out.length, size, "output");
        SoftmaxRowsLibrary.softmax(rows, cols, x, out);
    }

    /** The rows' maxima and sums in C++, then {@code max + log(sum)} in Java, as {@code RowSoftmax} takes the log. */
    @Override
    public void logSumExp(float[] x, int rows, int cols, double[] lse) {
        check(x.length, block(rows, cols), "input");
        check(lse.length, rows, "log-sum-exp");
        float[] maxes = MAXES.get();
        if (maxes.length < rows) {
            maxes = new float[rows];
            MAXES.set(maxes);
        }
        SoftmaxRowsLibrary.maxAndSum(rows, cols, x, maxes, lse);
        for (int r = 0; r < rows; r++) {
            lse[r] = maxes[r] + Math.log(lse[r]);
        }
    }

    private static long block(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("a softmax block of " + rows + " x " + cols);
        }
        return (long) rows * cols;
    }

    /** The native code reads and writes as many values as the shape says: an array shorter than that is refused first. */
    private static void check(int length, long size, String name) {
        if (length < size) {
            throw new IllegalArgumentException("the softmax's " + name + " holds " + length + " values, fewer than " + size);
        }
    }

    private static String problem() {
        try {
            SoftmaxRowsLibrary.instructions();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "its native library did not load (" + e.getMessage() + ")";
        }
    }
}
