package dev.unfold.op;

import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Heaviside step {@code y = [x > 0]}, ReLU's derivative. Piecewise constant, so it passes no gradient. */
public record Step() implements Op {
    @Override
    public String name() {
        return "step";
    }

    @Override
    public Shape shape(List<Shape> in) {
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.map(in.get(0), x -> x > 0 ? 1.0 : 0.0);
    }

    @Override
    public void vjp(VjpContext c) {
    }

    @Override
    public int arity() {
        return 1;
    }
}
