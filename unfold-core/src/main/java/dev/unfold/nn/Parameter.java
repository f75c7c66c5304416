package dev.unfold.nn;

import dev.unfold.graph.Role;
import dev.unfold.tensor.Shape;

/**
 * A trainable tensor a module declares, and the handle by which everything else knows it: the graph node
 * that reads it, its value in {@link Weights}, its gradient and its optimizer slots are all keyed by this
 * record. {@code name} is PyTorch's state-dict name ({@code weight_hh_l0}); {@code part} is the role it plays
 * (U, W, V, a bias, an embedding) and {@code layer} the recurrent layer and direction it belongs to, if any.
 * Two handles are equal when they describe the same parameter.
 */
public record Parameter(String name, Shape shape, Init init, Role.Part part, Role.Layer layer) {
    public Parameter {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
    }

    /** A parameter outside the recurrent layers (an embedding, a decoder), or a cell's own before it is placed in a layer. */
    public static Parameter of(String name, Shape shape, Init init, Role.Part part) {
        return new Parameter(name, shape, init, part, Role.Layer.NONE);
    }

    /** This cell parameter placed in {@code layer}, under PyTorch's suffixed name ({@code _l0}, {@code _l1_reverse}). */
    public Parameter in(Role.Layer layer) {
        return new Parameter(name + RecurrentSpec.suffix(layer.index(), layer.direction().index()), shape, init, part, layer);
    }

    /** The role of the graph node that holds it. */
    public Role role() {
        return Role.parameter(part, layer);
    }
}
