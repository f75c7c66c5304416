package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.SoftmaxCrossEntropy;
import dev.unfold.op.Var;

/** Scalar losses. */
public final class Losses {
    private Losses() {
    }

    /** Mean cross-entropy of (N, C) logits against (N) class indices. */
    public static Var softmaxCrossEntropy(GraphBuilder b, Var logits, Var targets) {
        return b.apply("loss", new SoftmaxCrossEntropy(), logits, targets);
    }

    /** Mean squared error {@code (1/n) Σ (y − target)²} over all elements. */
    public static Var meanSquaredError(GraphBuilder b, Var y, Var target) {
        Var d = b.sub(y, target);
        return b.apply("loss", dev.unfold.op.Affine.scaleBy(1.0 / y.shape().size()), b.sum(b.mul(d, d)));
    }

    /** {@code Σ R ⊙ y}: the loss whose gradient with respect to y is R, used to probe a VJP. */
    public static Var weightedSum(GraphBuilder b, Var y, Var r) {
        return b.sum(b.mul(r, y));
    }
}
