package dev.unfold.op;

import dev.unfold.kernel.Reduce;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Softmax over the last axis. VJP from the saved output: {@code dx = y ⊙ (g − Σ_j g_j y_j)}. */
public record Softmax() implements Op {
    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public Shape shape(List<Shape> in) {
        if (in.get(0).rank() == 0) {
            throw new ShapeException("softmax: needs at least one axis");
        }
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Reduce.softmaxLastAxis(in.get(0));
    }

    @Override
    public void vjp(VjpContext c) {
        Var y = c.output();
        Var gy = c.apply(new Mul(), c.grad(), y);
        Var rowSum = c.apply(new SumTo(y.shape().with(-1, 1)), gy);
        Var centered = c.apply(new Add(), c.grad(), c.apply(Affine.negate(), rowSum));
        c.accumulate(0, c.apply(new Mul(), y, centered));
    }

    @Override
    public int arity() {
        return 1;
    }
}
