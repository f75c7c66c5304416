package dev.unfold.op;

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
        Tensor z = in.get(0);
        Tensor t = in.get(1);
        Tensor w = in.get(2);
        int rows = z.shape().dim(0);
        int cols = z.shape().dim(1);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double weight = w.get(r);
            if (weight == 0) {
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, z.get(r * cols + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += Math.exp(z.get(r * cols + c) - max);
            }
            int target = (int) t.get(r);
            if (target != t.get(r) || target < 0 || target >= cols) {
                throw new IllegalArgumentException("index " + t.get(r) + " is not in [0, " + cols + ")");
            }
            total += weight * (max + Math.log(sum) - z.get(r * cols + target));
        }
        return Tensor.scalar(z.dtype(), total);
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
