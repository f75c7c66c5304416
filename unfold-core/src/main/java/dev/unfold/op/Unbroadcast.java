package dev.unfold.op;

import dev.unfold.tensor.Shape;

/** The gradient of a broadcast operand: sum the incoming gradient back down to the operand's shape. */
final class Unbroadcast {
    private Unbroadcast() {
    }

    static Var to(VjpContext c, Var g, Shape shape) {
        return g.shape().equals(shape) ? g : c.apply(new SumTo(shape), g);
    }
}
