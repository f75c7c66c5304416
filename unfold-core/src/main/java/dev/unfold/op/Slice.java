package dev.unfold.op;

import dev.unfold.kernel.Layout;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Elements {@code [start, end)} along {@code axis}; how a cell takes its gates out of one fused
 * projection. VJP: {@code dx = pad(g)} back into place.
 */
public record Slice(int axis, int start, int end) implements Op {
    @Override
    public String name() {
        return "slice[" + start + ":" + end + "]";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape x = in.get(0);
        if (axis < 0 || axis >= x.rank() || start < 0 || end > x.dim(axis) || start >= end) {
            throw new ShapeException(name() + " on axis " + axis + " does not fit " + x);
        }
        return x.with(axis, end - start);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Layout.slice(in.get(0), axis, start, end);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new Pad(axis, start, c.input(0).shape().dim(axis)), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
