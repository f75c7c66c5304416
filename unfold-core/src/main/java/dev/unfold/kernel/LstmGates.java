package dev.unfold.kernel;

/**
 * An LSTM step after its pre-activations, in one pass: a backend of its own (native code, found by
 * {@link LstmGateKernels}), for Java 17's JIT does not vectorise a loop that reads one array at an offset it does
 * not write another at, and every gate is a block at an offset of each row. For each row r and j &lt; H, with z a
 * row of the four blocks i, f, g, o (PyTorch's order):
 * <pre>
 * i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)   c′ = f ⊙ c + i ⊙ g   h′ = o ⊙ tanh(c′)
 * </pre>
 * computed as {@link Activations} and the graph's element-wise ops compute them, so the result is the same bit for bit.
 */
public interface LstmGates extends OptionalKernel {
    /**
     * {@code z} holds {@code rows × 4H} pre-activations, {@code c}, {@code cNext} and {@code hNext} {@code rows × H}; the
     * gates {@code i}, {@code f}, {@code g}, {@code o} are written when not null (all or none), {@code tanhC} too.
     */
    void step(int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC, float[] hNext);

    /**
     * {@link #step} with z not given but made on the way, as the graph's sums make it:
     * {@code z = (a + aBias) + (y + yBias)}, or {@code z = a + (y + yBias)} when {@code aBias} is null; {@code y} holds
     * {@code rows × 4H}, {@code aBias} and {@code yBias} one row of {@code 4H}, added to every row. Row r of {@code a}
     * is its row {@code aRows[r]} (rows picked from a projected embedding table), or row r when {@code aRows} is null.
     */
    void stepOfSum(int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c, float[] i, float[] f, float[] g,
            float[] o, float[] cNext, float[] tanhC, float[] hNext);

    /**
     * The VJP of {@link #step}, as the graph's ops compute it from the gates i, f, g, o, {@code tanhC} = tanh c′ and c the
     * step saved, dh′ (or its two terms, {@code dhA + dhB}, when {@code dhB} is not null) and {@code next} = dc′ from the
     * steps after (null when there is none):
     * <pre>
     * dc′ = next + (dh′ ⊙ o) ⊙ (1 − tanh² c′)
     * dz_i = (dc′ ⊙ g) ⊙ (i ⊙ (1 − i))    dz_f = (dc′ ⊙ c) ⊙ (f ⊙ (1 − f))
     * dz_g = (dc′ ⊙ i) ⊙ (1 − g ⊙ g)      dz_o = (dh′ ⊙ tanh c′) ⊙ (o ⊙ (1 − o))
     * </pre>
     * writing dz ({@code rows × 4H}, the blocks i, f, g, o side by side) and, when {@code prev} is not null,
     * {@code prev = dc′ ⊙ prevFactor} (dc, with f as the factor); every other array is {@code rows × H}.
     */
    void backward(int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g, float[] o, float[] tanhC, float[] c,
            float[] dz, float[] prev, float[] prevFactor);
}
