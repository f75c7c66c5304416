package dev.unfold.kernel;

/**
 * A single-precision matrix product implementation: {@code C = op(A) op(B) (+ C when accumulating)},
 * row-major, whole arrays. Found with {@link java.util.ServiceLoader}; {@link JavaGemm} is the pure-Java
 * fallback that keeps every platform working. A backend that can use several threads per product runs
 * each product on the calling thread's {@link Gemm#callerThreads()} (its own choice for 0).
 */
public interface GemmBackend {
    /** A short name for {@code unfold info}: {@code openblas 0.3.31 (2 threads)}, {@code java}. */
    String name();

    /**
     * Whether the backend can run here (its native library loaded). Checked once, before first use; a
     * backend that cannot run is skipped and its reason reported.
     */
    Availability availability();

    /** C (m x n) = op(A) op(B), plus C's old value when {@code accumulate}. */
    void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate);

    /**
     * As {@link #sgemm}, with the promise that {@code b} will never be modified (a parameter's array), so a
     * backend may keep its own copy of it in {@code cache} for all the calls that pass the same array.
     */
    default void sgemmImmutableB(Gemm.OperandCache cache, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean accumulate) {
        sgemm(opA, opB, m, n, k, a, b, c, accumulate);
    }

    /**
     * As {@link #sgemm}, each operand given as its blocks of rows as stored (a weight gradient summed over a window's
     * steps: {@code Gᵀ X} with G and X stacked over the steps). By default the blocks are copied into one array each.
     */
    default void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, RowBlocks a, RowBlocks b, float[] c, boolean accumulate) {
        sgemm(opA, opB, m, n, k, a.stacked(0), b.stacked(1), c, accumulate);
    }

    /**
     * As {@link #sgemmImmutableB} without accumulating, {@code a} (read as stored) and {@code c} given as blocks of
     * rows, a block of {@code a} making the same block of {@code c} (the input projections of a window's steps). By
     * default the blocks are copied into one array and out of one.
     */
    default void sgemmImmutableB(Gemm.OperandCache cache, Gemm.Op opB, int m, int n, int k, RowBlocks a, float[] b, RowBlocks c) {
        float[] out = c.scratch(1);
        sgemmImmutableB(cache, Gemm.Op.N, opB, m, n, k, a.stacked(0), b, out, false);
        c.scatter(out);
    }

    /**
     * Whether the backend runs products in bfloat16 with float32 accumulation when {@link Gemm#precision()} asks for
     * it (the rest of its products, if any, stay float32). None does by default.
     */
    default boolean supportsBf16() {
        return false;
    }

    /** Among usable backends the one with the highest preference is chosen (the Java fallback is 0). */
    default int preference() {
        return 0;
    }

    /** Whether a backend works here, and if not, why. */
    record Availability(boolean usable, String reason) {
        public static Availability yes() {
            return new Availability(true, "");
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
