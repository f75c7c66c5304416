package dev.unfold.kernel;

/**
 * {@code y = x · W} for one row {@code x} (1 × k) and a matrix stored k × n, row-major: a batch of one's
 * per-step product, {@code h_{t-1} · W_hhᵀ} with {@code W_hhᵀ} kept as rows. A backend of its own (native
 * code, found by {@link OneRowProducts}): Java's JIT vectorises no form of it, and a GEMM library's call
 * costs more than the product at the sizes of one step (1 × 100 · 100 × 100).
 */
public interface OneRowProduct extends OptionalKernel {
    /** {@code y[j] = Σ_p x[p] W[p][j]} for j in [0, n), added to {@code y} when {@code accumulate}. */
    void times(float[] x, float[] w, float[] y, int n, int k, boolean accumulate);
}
