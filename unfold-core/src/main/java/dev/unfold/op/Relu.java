package dev.unfold.op;

import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code y = max(0, x)}. VJP: {@code dx = g ⊙ step(x)}. */
public record Relu() implements Op {
    @Override
    public String name() {
        return "relu";
    }

    @Override
    public Shape shape(List<Shape> in) {
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.map(in.get(0), x -> x > 0 ? x : 0.0);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new Mul(), c.grad(), c.apply(new Step(), c.input(0))));
    }

    @Override
    public int arity() {
        return 1;
    }
}
