package dev.unfold.kernel;

/**
 * Single-precision sigmoid and tanh as clamped rational functions (the minimax forms ONNX Runtime's MLAS and
 * Eigen use): only fused multiply-adds, a divide and one clamp of the argument, so the JIT vectorises the array
 * loops, about 15x faster than one scalar {@code Math.exp} per element. Each clamps its argument at the largest
 * float below 16.2 (8.1 for tanh) at which the rational is exactly ±1/2 (±1): inside that range the rational never
 * leaves [−1/2, 1/2] ([−1, 1]), so the results need no second clamp (which cost as much as the rest of the loop)
 * and the limits are exact. Maximum absolute error over all floats: 2.2e-7 for sigmoid, 3.5e-7 for tanh (a few
 * units in the last place near ±1). Float64 math stays exact ({@link Elementwise}).
 */
public final class Activations {
    /** |x| beyond which σ(x) is returned as exactly 0 or 1: the rational below is ±1/2 there. */
    static final float SIGMOID_LIMIT = 16.199995f;
    /** |x| beyond which tanh(x) is returned as exactly ±1: the rational below is ±1 there. */
    static final float TANH_LIMIT = 8.099936f;

    private Activations() {
    }

    /** σ(x) = 1/2 + p(x)/q(x). */
    public static float sigmoid(float v) {
        float x = Math.max(-SIGMOID_LIMIT, Math.min(SIGMOID_LIMIT, v));
        float x2 = x * x;
        float p = Math.fma(x2, 4.37031012579801e-11f, 1.15627324459942e-07f);
        p = Math.fma(p, x2, 6.08574864600143e-05f);
        p = Math.fma(p, x2, 8.51377133304701e-03f);
        p = Math.fma(p, x2, 2.48287947061529e-01f);
        p = p * x;
        float q = Math.fma(x2, 6.10247389755681e-13f, 5.76102136993427e-09f);
        q = Math.fma(q, x2, 6.29106785017040e-06f);
        q = Math.fma(q, x2, 1.70198817374094e-03f);
        q = Math.fma(q, x2, 1.16817656904453e-01f);
        q = Math.fma(q, x2, 9.93151921023180e-01f);
        return p / q + 0.5f;
    }

    /** tanh(x) = p(x)/q(x). */
    public static float tanh(float v) {
        float x = Math.max(-TANH_LIMIT, Math.min(TANH_LIMIT, v));
        float x2 = x * x;
        float p = Math.fma(x2, -2.76076847742355e-16f, 2.00018790482477e-13f);
        p = Math.fma(p, x2, -8.60467152213735e-11f);
        p = Math.fma(p, x2, 5.12229709037114e-08f);
        p = Math.fma(p, x2, 1.48572235717979e-05f);
        p = Math.fma(p, x2, 6.37261928875436e-04f);
        p = Math.fma(p, x2, 4.89352455891786e-03f);
        p = p * x;
        float q = Math.fma(x2, 1.19825839466702e-06f, 1.18534705686654e-04f);
        q = Math.fma(q, x2, 2.26843463243900e-03f);
        q = Math.fma(q, x2, 4.89352518554385e-03f);
        return p / q;
    }

    /**
     * e^v for v ≤ 0 (a softmax's {@code x − max}) to 2e-7 relative: v = k·ln 2 + r with k the nearest integer
     * to v·log₂e (Cody and Waite's two-part ln 2), e^r by Cephes' {@code expf} polynomial, 2^k put into the
     * exponent's bits. v is clamped at −88, where 2^k is 0: below −87.3 the result is 0 to within 1.2e-38.
     */
    public static float expNonPositive(float v) {
        float x = Math.max(v, -88f);
        float k = exponent(x);
        return scaledByExponent(reducedExp(x, k), k);
    }

    /**
     * {@link #expNonPositive} but its power of two, in place: {@code v[i]} becomes e^r and {@code k[i]} the k of
     * {@code v[i] = k·ln 2 + r}; {@link #scaledByExponent} finishes each. Only multiplies and adds: the JIT
     * vectorises this loop, and could not one that builds 2^k from its bits.
     */
    static void expNonPositiveReduced(float[] v, float[] k, int n) {
        for (int i = 0; i < n; i++) {
            float x = Math.max(v[i], -88f);
            float e = exponent(x);
            k[i] = e;
            v[i] = reducedExp(x, e);
        }
    }

    /** {@code e · 2^k} for a whole number k in [−127, 0] (2^−127 is 0 here: its bits are the exponent's zero). */
    static float scaledByExponent(float e, float k) {
        return e * Float.intBitsToFloat(((int) k + 127) << 23);
    }

    /** The nearest whole number to x·log₂e, by adding and taking away 1.5·2^23. */
    private static float exponent(float x) {
        return Math.fma(x, 1.44269504088896341f, 12582912f) - 12582912f;
    }

    /** e^r for r = x − k·ln 2. */
    private static float reducedExp(float x, float k) {
        float r = Math.fma(k, 2.12194440e-4f, Math.fma(k, -0.693359375f, x));
        float p = Math.fma(1.9875691500e-4f, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        return Math.fma(p, r * r, r) + 1f;
    }

    public static void sigmoid(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = sigmoid(x[i]);
        }
    }

    public static void tanh(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = tanh(x[i]);
        }
    }
}
