package dev.unfold.op;

import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** {@code y = a + b}, broadcasting. VJP: {@code da = sumTo(g), db = sumTo(g)}. */
public record Add() implements Op {
    @Override
    public String name() {
        return "add";
    }

    @Override
    public Shape shape(List<Shape> in) {
        try {
            return Broadcast.shape(in.get(0), in.get(1));
        } catch (IllegalArgumentException e) {
            throw new ShapeException("add: " + e.getMessage());
        }
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.zip(in.get(0), in.get(1), Double::sum);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, Unbroadcast.to(c, c.grad(), c.input(0).shape()));
        c.accumulate(1, Unbroadcast.to(c, c.grad(), c.input(1).shape()));
    }

    @Override
    public int arity() {
        return 2;
    }
}
