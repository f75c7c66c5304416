package dev.unfold.op;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** The same elements under another shape of equal size. VJP: reshape back. */
public record Reshape(Shape target) implements Op {
    @Override
    public String name() {
        return "reshape→" + target;
    }

    @Override
    public Shape shape(List<Shape> in) {
        if (in.get(0).size() != target.size()) {
            throw new ShapeException("reshape: " + in.get(0) + " has not the size of " + target);
        }
        return target;
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return in.get(0).reshape(target);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(new Reshape(c.input(0).shape()), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
