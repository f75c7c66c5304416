package dev.unfold.op;

import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.Reduce;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Sums {@code x} down to {@code target}, a shape that broadcasts to x's. VJP: {@code dx = broadcastTo(g)}. */
public record SumTo(Shape target) implements Op {
    @Override
    public String name() {
        return "sum→" + target;
    }

    @Override
    public Shape shape(List<Shape> in) {
        if (!Broadcast.broadcastsTo(target, in.get(0))) {
            throw new ShapeException("sum: cannot reduce " + in.get(0) + " to " + target);
        }
        return target;
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Reduce.sumTo(in.get(0), target);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new BroadcastTo(c.input(0).shape()), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
