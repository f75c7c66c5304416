package dev.unfold.op;

import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code y = σ(x) = 1 / (1 + e^−x)}. VJP from the saved output: {@code dx = g ⊙ y ⊙ (1 − y)}. */
public record Sigmoid() implements Op {
    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public Shape shape(List<Shape> in) {
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.sigmoid(in.get(0));
    }

    @Override
    public void vjp(VjpContext c) {
        Var y = c.output();
        Var slope = c.apply(new Mul(), y, c.apply(Affine.oneMinus(), y));
        c.accumulate(0, c.apply(new Mul(), c.grad(), slope));
    }

    @Override
    public int arity() {
        return 1;
    }
}
