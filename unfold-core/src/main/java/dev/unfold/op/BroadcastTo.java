package dev.unfold.op;

import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Repeats {@code x} to {@code target} by broadcasting. VJP: {@code dx = sumTo(g)}. */
public record BroadcastTo(Shape target) implements Op {
    @Override
    public String name() {
        return "broadcast→" + target;
    }

    @Override
    public Shape shape(List<Shape> in) {
        if (!Broadcast.broadcastsTo(in.get(0), target)) {
            throw new ShapeException("broadcast: " + in.get(0) + " does not broadcast to " + target);
        }
        return target;
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.broadcastTo(in.get(0), target);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new SumTo(c.input(0).shape()), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
