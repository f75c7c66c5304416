package dev.unfold.op;

import dev.unfold.kernel.Reduce;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Mean cross-entropy of (N, C) logits against (N) class indices,
 * {@code L = −(1/N) Σ_n log softmax(z_n)[t_n]}. Fused rather than composed from softmax and log for
 * stability. VJP: {@code dz = g (softmax(z) − onehot(t)) / N}; the targets pass no gradient.
 */
public record SoftmaxCrossEntropy() implements Op {
    @Override
    public String name() {
        return "softmax-xent";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape z = in.get(0);
        Shape t = in.get(1);
        if (z.rank() != 2 || t.rank() != 1 || t.dim(0) != z.dim(0)) {
            throw new ShapeException("softmax-xent: needs (N, C) logits and (N) targets, got " + z + " and " + t);
        }
        return Shape.scalar();
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Tensor.scalar(in.get(0).dtype(), Reduce.meanCrossEntropy(in.get(0), in.get(1)));
    }

    @Override
    public void vjp(VjpContext c) {
        Var z = c.input(0);
        int rows = z.shape().dim(0);
        Var p = c.apply(new Softmax(), z);
        Var target = c.apply(new OneHot(z.shape().dim(1)), c.input(1));
        Var diff = c.apply(new Add(), p, c.apply(Affine.negate(), target));
        c.accumulate(0, c.apply(new Mul(), c.apply(Affine.scaleBy(1.0 / rows), diff), c.grad()));
    }

    @Override
    public int arity() {
        return 2;
    }
}
