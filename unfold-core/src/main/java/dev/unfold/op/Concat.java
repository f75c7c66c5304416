package dev.unfold.op;

import dev.unfold.kernel.Layout;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Joins its inputs along {@code axis}. VJP: each input gets its slice of {@code g}. */
public record Concat(int axis) implements Op {
    @Override
    public String name() {
        return "concat";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape first = in.get(0);
        if (axis < 0 || axis >= first.rank()) {
            throw new ShapeException("concat: axis " + axis + " out of range for " + first);
        }
        int total = 0;
        for (Shape s : in) {
            if (s.rank() != first.rank() || !s.with(axis, 0).equals(first.with(axis, 0))) {
                throw new ShapeException("concat on axis " + axis + ": " + s + " does not match " + first);
            }
            total += s.dim(axis);
        }
        return first.with(axis, total);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        Shape out = shape(in.stream().map(Tensor::shape).toList());
        return Layout.concat(in, axis, out);
    }

    @Override
    public void vjp(VjpContext c) {
        int offset = 0;
        for (int i = 0; c.hasInput(i); i++) {
            int len = c.input(i).shape().dim(axis);
            c.accumulate(i, c.apply(new Slice(axis, offset, offset + len), c.grad()));
            offset += len;
        }
    }

    @Override
    public int arity() {
        return -1;
    }
}
