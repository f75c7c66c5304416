package dev.unfold.train;

import dev.unfold.optim.GradientClipping;
import dev.unfold.tensor.Tensor;
import java.util.Map;
import java.util.OptionalDouble;

/** Gradient clipping by global norm, by value, both (norm first) or neither. */
public record Clipping(OptionalDouble maxNorm, OptionalDouble maxValue) {
    public Clipping {
        if (maxNorm.isPresent() && !(maxNorm.getAsDouble() > 0) || maxValue.isPresent() && !(maxValue.getAsDouble() > 0)) {
            throw new IllegalArgumentException("clipping thresholds must be positive");
        }
    }

    public static Clipping none() {
        return new Clipping(OptionalDouble.empty(), OptionalDouble.empty());
    }

    public Map<String, Tensor> apply(Map<String, Tensor> grads) {
        Map<String, Tensor> g = grads;
        if (maxNorm.isPresent()) {
            g = GradientClipping.byGlobalNorm(g, maxNorm.getAsDouble());
        }
        if (maxValue.isPresent()) {
            g = GradientClipping.byValue(g, maxValue.getAsDouble());
        }
        return g;
    }
}
