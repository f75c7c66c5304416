package dev.unfold.optim;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum μ and Nesterov momentum, as PyTorch's {@code SGD}
 * with dampening 0: {@code b ← μ b + g} (b = g at the first step), {@code d = g + μ b} with Nesterov or
 * {@code d = b} without, {@code θ ← θ − lr d}. Weight decay λ adds {@code λθ} to g.
 */
public final class Sgd extends SlotOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;

    /** Plain SGD ({@code momentum = 0}), heavy-ball momentum, or Nesterov momentum. */
    public Sgd(double momentum, Momentum kind, double weightDecay) {
        if (momentum < 0 || momentum >= 1 || (kind == Momentum.NESTEROV && momentum == 0)) {
            throw new IllegalArgumentException("momentum must be in [0, 1) and positive for Nesterov, got " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = kind == Momentum.NESTEROV;
        this.weightDecay = weightDecay;
    }

    /** Which momentum update. */
    public enum Momentum { HEAVY_BALL, NESTEROV }

    @Override
    public String name() {
        return nesterov ? "nesterov" : "sgd";
    }

    @Override
    public List<String> slotNames() {
        return momentum == 0 ? List.of() : List.of("momentum");
    }

    @Override
    double update(double theta, double g, double[][] s, int i, long t, double lr) {
        double grad = g + weightDecay * theta;
        if (momentum == 0) {
            return theta - lr * grad;
        }
        s[0][i] = t == 1 ? grad : momentum * s[0][i] + grad;
        double d = nesterov ? grad + momentum * s[0][i] : s[0][i];
        return theta - lr * d;
    }
}
