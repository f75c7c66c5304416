package dev.unfold.op;

import dev.unfold.kernel.Rows;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Embedding lookup: rows of a (V, E) table picked by N indices, giving (N, E). The indices pass no
 * gradient; the table's gradient is {@code scatterAdd(g, indices)}, so repeated tokens sum.
 */
public record Gather() implements Op {
    @Override
    public String name() {
        return "gather";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape table = in.get(0);
        Shape idx = in.get(1);
        if (table.rank() != 2 || idx.rank() != 1) {
            throw new ShapeException("gather: needs a (V, E) table and (N) indices, got " + table + " and " + idx);
        }
        return Shape.of(idx.dim(0), table.dim(1));
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Rows.gather(in.get(0), in.get(1));
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new ScatterAdd(c.input(0).shape().dim(0)), c.grad(), c.input(1)));
    }

    @Override
    public int arity() {
        return 2;
    }
}
