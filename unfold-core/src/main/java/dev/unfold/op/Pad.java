package dev.unfold.op;

import dev.unfold.kernel.Layout;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Places {@code x} at offset {@code before} of zeros whose {@code axis} has length {@code total}. VJP: slice. */
public record Pad(int axis, int before, int total) implements Op {
    @Override
    public String name() {
        return "pad";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape x = in.get(0);
        if (axis < 0 || axis >= x.rank() || before < 0 || before + x.dim(axis) > total) {
            throw new ShapeException("pad to " + total + " at " + before + " on axis " + axis + " does not fit " + x);
        }
        return x.with(axis, total);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Layout.pad(in.get(0), axis, before, total);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new Slice(axis, before, before + c.input(0).shape().dim(axis)), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
