package dev.unfold.op;

import dev.unfold.kernel.Rows;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** (N) class indices to (N, classes) rows of zeros with a one. Piecewise constant: no gradient. */
public record OneHot(int classes) implements Op {
    @Override
    public String name() {
        return "one-hot";
    }

    @Override
    public Shape shape(List<Shape> in) {
        if (in.get(0).rank() != 1) {
            throw new ShapeException("one-hot: needs (N) indices, got " + in.get(0));
        }
        return Shape.of(in.get(0).dim(0), classes);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Rows.oneHot(in.get(0), classes, in.get(0).dtype());
    }

    @Override
    public void vjp(VjpContext c) {
    }

    @Override
    public int arity() {
        return 1;
    }
}
