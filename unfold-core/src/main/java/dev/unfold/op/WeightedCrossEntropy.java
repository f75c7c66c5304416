package dev.unfold.op;

import dev.unfold.kernel.Reduce;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Cross-entropy of (N, C) logits against (N) class indices, each row weighted by (N, 1) weights:
 * {@code L = Σ_n w_n (−log softmax(z_n)[t_n])}. A padded step's rows weigh 0, a valid step's 1 over the
 * batch's valid steps, so that the sum over steps is the mean over valid steps. VJP:
 * {@code dz = g w ⊙ (softmax(z) − onehot(t))}; targets and weights pass no gradient.
 */
public record WeightedCrossEntropy() implements Op {
    @Override
    public String name() {
        return "weighted-xent";
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape z = in.get(0);
        Shape t = in.get(1);
        Shape w = in.get(2);
        if (z.rank() != 2 || t.rank() != 1 || t.dim(0) != z.dim(0) || !w.equals(Shape.of(z.dim(0), 1))) {
            throw new ShapeException("weighted-xent: needs (N, C) logits, (N) targets and (N, 1) weights, got " + z + ", " + t + " and " + w);
        }
        return Shape.scalar();
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Tensor.scalar(in.get(0).dtype(), Reduce.weightedCrossEntropy(in.get(0), in.get(1), in.get(2)));
    }

    @Override
    public void vjp(VjpContext c) {
        Var z = c.input(0);
        Var p = c.apply(new Softmax(), z);
        Var target = c.apply(new OneHot(z.shape().dim(1)), c.input(1));
        Var diff = c.apply(new Add(), p, c.apply(Affine.negate(), target));
        c.accumulate(0, c.apply(new Mul(), c.apply(new Mul(), diff, c.input(2)), c.grad()));
    }

    @Override
    public int arity() {
        return 3;
    }
}
