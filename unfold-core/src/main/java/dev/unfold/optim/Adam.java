package dev.unfold.optim;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015) and AdamW (Loshchilov &amp; Hutter 2019), as PyTorch's:
 * <pre>
 * θ ← θ (1 − lr λ)                       (AdamW only: decoupled weight decay)
 * m ← β1 m + (1 − β1) g      v ← β2 v + (1 − β2) g²
 * θ ← θ − lr (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * </pre>
 * with β1 = 0.9, β2 = 0.999, ε = 1e-8.
 */
public final class Adam extends SlotOptimizer {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    private final double decoupledWeightDecay;
    private double correction1 = 1;
    private double correction2 = 1;

    /** Adam. */
    public Adam() {
        this(0);
    }

    /** AdamW with decoupled weight decay λ (Adam when λ = 0). */
    public Adam(double decoupledWeightDecay) {
        this.decoupledWeightDecay = decoupledWeightDecay;
    }

    @Override
    public String name() {
        return decoupledWeightDecay == 0 ? "adam" : "adamw";
    }

    @Override
    public List<String> slotNames() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    void beginStep(long t) {
        correction1 = 1 - Math.pow(BETA1, t);
        correction2 = 1 - Math.pow(BETA2, t);
    }

    @Override
    void updateAll(float[] theta, float[] grad, float[][] s, float[] next, long t, double lr) {
        float[] m = s[0];
        float[] v = s[1];
        float keep = (float) (1 - lr * decoupledWeightDecay);
        float step = (float) (lr / correction1);
        float scale = (float) (1 / Math.sqrt(correction2));
        float b1 = (float) BETA1;
        float b2 = (float) BETA2;
        float c1 = (float) (1 - BETA1);
        float c2 = (float) (1 - BETA2);
        float eps = (float) EPS;
        for (int i = 0; i < next.length; i++) {
            float g = grad[i];
            m[i] = b1 * m[i] + c1 * g;
            v[i] = b2 * v[i] + c2 * g * g;
            next[i] = theta[i] * keep - step * m[i] / ((float) Math.sqrt(v[i]) * scale + eps);
        }
    }

    @Override
    double update(double theta, double g, double[][] s, int i, long t, double lr) {
        double decayed = theta * (1 - lr * decoupledWeightDecay);
        s[0][i] = BETA1 * s[0][i] + (1 - BETA1) * g;
        s[1][i] = BETA2 * s[1][i] + (1 - BETA2) * g * g;
        double mHat = s[0][i] / correction1;
        double vHat = s[1][i] / correction2;
        return decayed - lr * mHat / (Math.sqrt(vHat) + EPS);
    }
}
