package dev.unfold.optim;

import java.util.OptionalDouble;

/**
 * Gradient clipping (Deep Learning 10.11.1), by global norm, by value, both (norm first) or neither. By
 * global norm, as PyTorch's {@code clip_grad_norm_}: when {@code ||g|| > c} over all parameters together,
 * every gradient is scaled by {@code c / (||g|| + 1e-6)}. By value: each element is clamped to {@code [−c, c]}.
 */
public record Clipping(OptionalDouble maxNorm, OptionalDouble maxValue) {
    public Clipping {
        if (maxNorm.isPresent() && !(maxNorm.getAsDouble() > 0 && Double.isFinite(maxNorm.getAsDouble()))
                || maxValue.isPresent() && !(maxValue.getAsDouble() > 0 && Double.isFinite(maxValue.getAsDouble()))) {
            throw new IllegalArgumentException("clipping thresholds must be positive and finite");
        }
    }

    public static Clipping none() {
        return new Clipping(OptionalDouble.empty(), OptionalDouble.empty());
    }

    public static Clipping byNorm(double maxNorm) {
        return new Clipping(OptionalDouble.of(maxNorm), OptionalDouble.empty());
    }

    public static Clipping byValue(double maxValue) {
        return new Clipping(OptionalDouble.empty(), OptionalDouble.of(maxValue));
    }

    /** This clipping with a value limit as well. */
    public Clipping andByValue(double maxValue) {
        return new Clipping(maxNorm, OptionalDouble.of(maxValue));
    }

    /** Clips {@code g} in place, whose global norm before clipping is {@code norm}. */
    public void apply(Gradients g, double norm) {
        if (maxNorm.isPresent() && norm > maxNorm.getAsDouble()) {
            g.scale(maxNorm.getAsDouble() / (norm + 1e-6));
        }
        if (maxValue.isPresent()) {
            g.clamp(maxValue.getAsDouble());
        }
    }
}
