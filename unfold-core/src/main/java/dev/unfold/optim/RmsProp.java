package dev.unfold.optim;

import java.util.List;

/**
 * RMSProp (Hinton's lecture 6e; Deep Learning alg. 8.5), as PyTorch's: {@code v ← α v + (1 − α) g²},
 * {@code θ ← θ − lr g / (√v + ε)}, α = 0.99, ε = 1e-8.
 */
public final class RmsProp extends SlotOptimizer {
    static final double ALPHA = 0.99;
    static final double EPS = 1e-8;

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public List<String> slotNames() {
        return List.of("square_avg");
    }

    @Override
    double update(double theta, double g, double[][] s, int i, long t, double lr) {
        s[0][i] = ALPHA * s[0][i] + (1 - ALPHA) * g * g;
        return theta - lr * g / (Math.sqrt(s[0][i]) + EPS);
    }
}
