package dev.unfold.op;

import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code y = a ⊙ b}, broadcasting. VJP: {@code da = sumTo(g ⊙ b), db = sumTo(g ⊙ a)}. */
public record Mul() implements Op {
    @Override
    public String name() {
        return "mul";
    }

    @Override
    public Shape shape(List<Shape> in) {
        try {
            return Broadcast.shape(in.get(0), in.get(1));
        } catch (IllegalArgumentException e) {
            throw new ShapeException("mul: " + e.getMessage());
        }
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.zip(in.get(0), in.get(1), (x, y) -> x * y);
    }

    @Override
    public void vjp(VjpContext c) {
        Var a = c.input(0);
        Var b = c.input(1);
        c.accumulate(0, Unbroadcast.to(c, c.apply(this, c.grad(), b), a.shape()));
        c.accumulate(1, Unbroadcast.to(c, c.apply(this, c.grad(), a), b.shape()));
    }

    @Override
    public int arity() {
        return 2;
    }
}
