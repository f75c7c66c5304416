package dev.unfold.op;

import dev.unfold.kernel.Rows;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code out[indices[n]] += src[n]} into a zero (rows, E) table; the transpose of {@link Gather}. */
public record ScatterAdd(int rows) implements Op {
    @Override
    public String name() {
        return "scatter-add";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape src = in.get(0);
        Shape idx = in.get(1);
        if (src.rank() != 2 || idx.rank() != 1 || idx.dim(0) != src.dim(0)) {
            throw new ShapeException("scatter-add: needs (N, E) rows and (N) indices, got " + src + " and " + idx);
        }
        return Shape.of(rows, src.dim(1));
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Rows.scatterAdd(in.get(0), in.get(1), rows);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new Gather(), c.grad(), c.input(1)));
    }

    @Override
    public int arity() {
        return 2;
    }
}
