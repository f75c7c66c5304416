package dev.unfold.optim;

import java.util.List;

/** Adagrad (Duchi et al. 2011), as PyTorch's: {@code s ← s + g²}, {@code θ ← θ − lr g / (√s + ε)}, ε = 1e-10. */
public final class Adagrad extends SlotOptimizer {
    static final double EPS = 1e-10;

    @Override
    public String name() {
        return "adagrad";
    }

    @Override
    public List<String> slotNames() {
        return List.of("sum_sq");
    }

    @Override
    double update(double theta, double g, double[][] s, int i, long t, double lr) {
        s[0][i] += g * g;
        return theta - lr * g / (Math.sqrt(s[0][i]) + EPS);
    }
}
