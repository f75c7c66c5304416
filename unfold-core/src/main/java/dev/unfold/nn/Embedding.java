package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Role;
import dev.unfold.op.Gather;
import dev.unfold.op.Var;
import dev.unfold.tensor.Shape;

/**
 * Lookup table {@code y_n = W[t_n]}, PyTorch's {@code nn.Embedding} (initialised N(0, 1) there; uniform
 * on [−√3, √3], of the same variance, here). Shape: indices (N), weight (V, E), y (N, E).
 */
public record Embedding(String prefix, int vocabulary, int dimension) {
    public Parameter weight() {
        return Parameter.of(prefix + "weight", Shape.of(vocabulary, dimension), Init.uniform(Math.sqrt(3)), Role.Part.EMBEDDING);
    }

    public Var apply(GraphBuilder b, Var indices, Var weight) {
        return b.apply("embed", new Gather(), weight, indices);
    }
}
