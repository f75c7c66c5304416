package dev.unfold.kernel;

/**
 * A softmax over each row of a (rows, cols) block, and each row's log-sum-exp, computed as {@link RowSoftmax}'s Java
 * passes compute them, so the result is the same bit for bit: a backend of its own (native code, found by
 * {@link SoftmaxKernels}), for a vocabulary's row is too short for Java's JIT to vectorise.
 */
public interface SoftmaxRows extends OptionalKernel {
    /** {@code out[r] = softmax(x[r])}; {@code out} may be {@code x}. */
    void softmax(float[] x, float[] out, int rows, int cols);

    /** {@code lse[r] = log Σ_c e^{x[r][c]}}, stably (each row's maximum taken out first). */
    void logSumExp(float[] x, int rows, int cols, double[] lse);
}
