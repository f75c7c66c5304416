package dev.unfold.kernel;

/**
 * Dense matrix products {@code C = op(A) op(B)}, row-major, with {@code op} the identity or the
 * transpose. A and B are not modified; C is overwritten and returned. C must not alias A or B.
 *
 * <p>One entry point per precision. Single precision goes to the fastest {@link GemmBackend} that works
 * on this machine (oneDNN with the {@code unfold-dnnl} module, OpenBLAS with {@code unfold-blas}, else
 * {@link JavaGemm});
 * double precision, used by gradient checks, stays in plain Java.
 */
public final class Gemm {
    private static final ThreadLocal<int[]> THREADS = ThreadLocal.withInitial(() -> new int[1]);
    private static final GemmBackends BACKENDS = GemmBackends.discover();
    private static volatile Precision precision = Precision.F32;

    private Gemm() {
    }

    /** The single-precision backend in use, and what was tried. */
    public static GemmBackends backends() {
        return BACKENDS;
    }

    /** C (m x n) = op(A) op(B), plus C's old value when {@code accumulate}, on the active backend. */
    public static float[] mm(float[] a, Op opA, float[] b, Op opB, float[] c, int m, int n, int k, boolean accumulate) {
        checkAlias(a, b, c);
        BACKENDS.active().sgemm(opA, opB, m, n, k, a, b, c, accumulate);
        return c;
    }

    /**
     * Runs {@code task} with this thread's products limited to {@code threads} threads each, then restores the
     * thread's setting. The setting belongs to the calling thread alone (a runner that splits a batch across
     * cores gives each of its threads one); 0 means the backend's own choice.
     */
    public static <T> T withThreads(int threads, java.util.function.Supplier<T> task) {
        if (threads < 0) {
            throw new IllegalArgumentException("a thread count must not be negative, got " + threads);
        }
        int[] mine = THREADS.get();
        int saved = mine[0];
        mine[0] = threads;
        try {
            return task.get();
        } finally {
            mine[0] = saved;
        }
    }

    /** The calling thread's threads per product, or 0 for the backend's own choice. */
    public static int callerThreads() {
        return THREADS.get()[0];
    }

    /** Whether an operand is used as stored or transposed. */
    public enum Op { N, T }

    /**
     * The arithmetic of single-precision products: float32 throughout, or (opt-in, where the active backend
     * {@link GemmBackend#supportsBf16() supports it}) operands rounded to bfloat16, accumulated in float32.
     */
    public enum Precision { F32, BF16 }

    /** The process's product precision, {@link Precision#F32} unless set. */
    public static Precision precision() {
        return precision;
    }

    /**
     * Sets the process's product precision, for every product after the call.
     *
     * @throws IllegalStateException for bfloat16 when the active backend cannot run it (nothing changes)
     */
    public static void setPrecision(Precision p) {
        if (p == Precision.BF16 && !BACKENDS.active().supportsBf16()) {
            throw new IllegalStateException("bfloat16 products need the oneDNN backend on a CPU with bfloat16 instructions; this run has "
                    + BACKENDS.active().name());
        }
        precision = p;
    }

    /**
     * As {@link #mm(float[], Op, float[], Op, float[], int, int, int, boolean)} for a {@code b} that is
     * never modified (a parameter's array): the backend keeps its copy of {@code b} in {@code cache} and
     * copies again only when a different array comes (the parameter was updated).
     */
    public static float[] mmImmutableB(OperandCache cache, float[] a, Op opA, float[] b, Op opB, float[] c, int m, int n, int k) {
        checkAlias(a, b, c);
        BACKENDS.active().sgemmImmutableB(cache, opA, opB, m, n, k, a, b, c, false);
        return c;
    }

    /** As {@link #mm(float[], Op, float[], Op, float[], int, int, int, boolean)}, A and B given as their blocks of rows. */
    public static float[] mm(RowBlocks a, Op opA, RowBlocks b, Op opB, float[] c, int m, int n, int k, boolean accumulate) {
        for (float[] block : a.blocks()) {
            checkAlias(block, null, c);
        }
        for (float[] block : b.blocks()) {
            checkAlias(block, null, c);
        }
        BACKENDS.active().sgemm(opA, opB, m, n, k, a, b, c, accumulate);
        return c;
    }

    /**
     * As {@link #mmImmutableB(OperandCache, float[], Op, float[], Op, float[], int, int, int)} with A read as stored,
     * A and C given as blocks of rows (a block of A makes the same block of C).
     */
    public static void mmImmutableB(OperandCache cache, RowBlocks a, float[] b, Op opB, RowBlocks c, int m, int n, int k) {
        for (float[] out : c.blocks()) {
            checkAlias(b, null, out);
            for (float[] block : a.blocks()) {
                checkAlias(block, null, out);
            }
        }
        BACKENDS.active().sgemmImmutableB(cache, opB, m, n, k, a, b, c);
    }

    /**
     * Where a backend keeps its own copy of one immutable right operand, reused by every product that
     * reads the same array and refreshed in place when another array takes its role. One per use site
     * (a compiled program's parameter), so the copies neither pile up nor outlive their use.
     */
    public static final class OperandCache {
        private float[] source;
        private Object copy;

        /** The array the copy was made from, or null. */
        public synchronized float[] source() {
            return source;
        }

        /** The backend's copy, or null. */
        public synchronized Object copy() {
            return copy;
        }

        public synchronized void hold(float[] source, Object copy) {
            this.source = source;
            this.copy = copy;
        }
    }

    /** C (m x n) = op(A) (m x k) * op(B) (k x n). */
    public static float[] mm(float[] a, Op opA, float[] b, Op opB, float[] c, int m, int n, int k) {
        return mm(a, opA, b, opB, c, m, n, k, false);
    }

    /** C (m x n) = op(A) (m x k) * op(B) (k x n), in double precision. */
    public static double[] mm(double[] a, Op opA, double[] b, Op opB, double[] c, int m, int n, int k) {
        checkAlias(a, b, c);
        double[] an = opA == Op.N ? a : transpose(a, k, m);
        double[] bn = opB == Op.N ? b : transpose(b, n, k);
        java.util.Arrays.fill(c, 0, m * n, 0.0);
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                double av = an[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * bn[bp + j];
                }
            }
        }
        return c;
    }

    /** The transpose of a (rows x cols) matrix. */
    static float[] transpose(float[] x, int rows, int cols) {
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = x[r * cols + c];
            }
        }
        return t;
    }

    private static void checkAlias(Object a, Object b, Object c) {
        if (c == a || c == b) {
            throw new IllegalArgumentException("output of a matrix product must not alias an input");
        }
    }
}
