package dev.unfold.nativecells;

import dev.unfold.kernel.GemmBackend;
import dev.unfold.kernel.OneRowProduct;

/** {@code y = x · W} for one row in C++ (AVX-512 or AVX2, chosen by the processor), found by unfold-core's ServiceLoader. */
public final class NativeOneRowProduct implements OneRowProduct {
    private static final String PROBLEM = problem();

    @Override
    public String name() {
        return "native (" + RowProductLibrary.instructions() + ")";
    }

    @Override
    public GemmBackend.Availability availability() {
        return PROBLEM == null ? GemmBackend.Availability.yes() : GemmBackend.Availability.no(PROBLEM);
    }

    @Override
    public void times(float[] x, float[] w, float[] y, int n, int k, boolean accumulate) {
        check(x, w, y, n, k);
        RowProductLibrary.times(n, k, x, w, y, accumulate);
    }

    /** {@link #times} on the body of one instruction level (2 AVX-512, 1 AVX2, 0 scalar), for the tests of each. */
    static void timesOn(int level, float[] x, float[] w, float[] y, int n, int k, boolean accumulate) {
        check(x, w, y, n, k);
        RowProductLibrary.timesOn(level, n, k, x, w, y, accumulate);
    }

    /** The native code reads and writes as many values as the shape says: an array shorter than that is refused first. */
    private static void check(float[] x, float[] w, float[] y, int n, int k) {
        if (n < 0 || k < 0) {
            throw new IllegalArgumentException("a one-row product of 1 x " + k + " by " + k + " x " + n);
        }
        if (x.length < k || y.length < n || w.length < (long) n * k) {
            throw new IllegalArgumentException("a one-row product of 1 x " + k + " by " + k + " x " + n + " given arrays of " + x.length + ", "
                    + w.length + " and " + y.length + " values");
        }
    }

    private static String problem() {
        try {
            RowProductLibrary.instructions();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "its native library did not load (" + e.getMessage() + ")";
        }
    }
}
