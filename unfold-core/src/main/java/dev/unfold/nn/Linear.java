package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * Affine map {@code y = x Wᵀ + b}, PyTorch's {@code nn.Linear}. Shape: x (N, in), weight (out, in),
 * bias (out), y (N, out).
 */
public record Linear(String prefix, int inputSize, int outputSize) {
    public List<ParameterSpec> parameters() {
        Init init = Init.uniform(1 / Math.sqrt(inputSize));
        return List.of(
                new ParameterSpec(prefix + "weight", Shape.of(outputSize, inputSize), init),
                new ParameterSpec(prefix + "bias", Shape.of(outputSize), init));
    }

    public Var apply(GraphBuilder b, Var x, Var weight, Var bias) {
        return b.linear(x, weight, bias);
    }
}
