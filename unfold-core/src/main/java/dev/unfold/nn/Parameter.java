package dev.unfold.nn;

import dev.unfold.graph.Role;
import dev.unfold.tensor.Shape;
import java.util.Objects;

/**
 * A trainable tensor a module declares, and the handle by which everything else knows it: the graph node
 * that reads it, its value in {@link Weights}, its gradient and its optimizer slots are all keyed by it.
 * {@code name} is PyTorch's state-dict name ({@code weight_hh_l0}); {@code part} is the role it plays
 * (U, W, V, a bias, an embedding) and {@code layer} the recurrent layer and direction it belongs to, if any.
 * Two handles are equal when they describe the same parameter; a handle's hash is computed once, since
 * handles key the maps every update reads.
 */
public final class Parameter {
    private final String name;
    private final Shape shape;
    private final Init init;
    private final Role.Part part;
    private final Role.Layer layer;
    private final int hash;

    public Parameter(String name, Shape shape, Init init, Role.Part part, Role.Layer layer) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a parameter needs a name");
        }
        this.name = name;
        this.shape = Objects.requireNonNull(shape);
        this.init = Objects.requireNonNull(init);
        this.part = Objects.requireNonNull(part);
        this.layer = Objects.requireNonNull(layer);
        this.hash = Objects.hash(name, shape, init, part, layer);
    }

    /** A parameter outside the recurrent layers (an embedding, a decoder), or a cell's own before it is placed in a layer. */
    public static Parameter of(String name, Shape shape, Init init, Role.Part part) {
        return new Parameter(name, shape, init, part, Role.Layer.NONE);
    }

    /** This cell parameter placed in {@code layer}, under PyTorch's suffixed name ({@code _l0}, {@code _l1_reverse}). */
    public Parameter in(Role.Layer where) {
        return new Parameter(name + RecurrentSpec.suffix(where.index(), where.direction().index()), shape, init, part, where);
    }

    /** The role of the graph node that holds it. */
    public Role role() {
        return Role.parameter(part, layer);
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    public Init init() {
        return init;
    }

    public Role.Part part() {
        return part;
    }

    public Role.Layer layer() {
        return layer;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof Parameter p && hash == p.hash && name.equals(p.name) && shape.equals(p.shape) && init.equals(p.init)
                && part == p.part && layer.equals(p.layer);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return name + " " + shape;
    }
}
