package dev.unfold.op;

import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code y = tanh(x)}. VJP from the saved output: {@code dx = g ⊙ (1 − y²)}. */
public record Tanh() implements Op {
    @Override
    public String name() {
        return "tanh";
    }

    @Override
    public Shape shape(List<Shape> in) {
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.tanh(in.get(0));
    }

    @Override
    public void vjp(VjpContext c) {
        Var y = c.output();
        Var ySquared = c.apply(new Mul(), y, y);
        c.accumulate(0, c.apply(new Mul(), c.grad(), c.apply(Affine.oneMinus(), ySquared)));
    }

    @Override
    public int arity() {
        return 1;
    }
}
