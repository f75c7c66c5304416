package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Role;
import dev.unfold.op.Var;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * Affine map {@code y = x Wᵀ + b}, PyTorch's {@code nn.Linear}; {@code part} is the role its weight plays
 * (V for a decoder). Shape: x (N, in), weight (out, in), bias (out), y (N, out).
 */
public record Linear(String prefix, int inputSize, int outputSize, Role.Part part) {
    public Parameter weight() {
        return Parameter.of(prefix + "weight", Shape.of(outputSize, inputSize), init(), part);
    }

    public Parameter bias() {
        return Parameter.of(prefix + "bias", Shape.of(outputSize), init(), Role.Part.BIAS);
    }

    public List<Parameter> parameters() {
        return List.of(weight(), bias());
    }

    private Init init() {
        return Init.uniform(1 / Math.sqrt(inputSize));
    }

    public Var apply(GraphBuilder b, Var x, Var weight, Var bias) {
        return b.linear(x, weight, bias);
    }
}
