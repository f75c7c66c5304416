package dev.unfold.graph;

import dev.unfold.op.Op;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * One operation in a graph. {@code inputs} are ids of earlier nodes; {@code step} is the time step the
 * node belongs to in an unfolded graph, or {@link #NO_STEP} for nodes outside time (parameters,
 * constants, initial state); {@code role} says what the node is in the model. The name is for people.
 */
public record Node(int id, Op op, List<Integer> inputs, Shape shape, DType dtype, String name, int step, Role role) {
    public static final int NO_STEP = -1;

    public Node {
        inputs = List.copyOf(inputs);
    }

    /** A node outside any model's roles. */
    public Node(int id, Op op, List<Integer> inputs, Shape shape, DType dtype, String name, int step) {
        this(id, op, inputs, shape, dtype, name, step, Role.NONE);
    }

    public Var var() {
        return new Var(id, shape, dtype);
    }

    /** Whether the op is a leaf of the given kind. */
    public boolean is(dev.unfold.op.Leaf.Kind kind) {
        return op instanceof dev.unfold.op.Leaf leaf && leaf.kind() == kind;
    }
}
