package dev.unfold.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.exec.Executor;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Holds an executor to the interpreter's results on a graph's loss and on the gradient of every leaf. */
public final class ExecutorEquivalence {
    /**
     * Largest accepted relative error {@code ||a − b|| / max(||a||, ||b||)} of a tensor between two float32
     * executions, which sum in different orders.
     */
    public static final double TOLERANCE = 1e-5;

    private ExecutorEquivalence() {
    }

    /** Leaves fed by their labels; returns the worst error seen. */
    public static double assertAgrees(Executor executor, Graph forward, String loss, Map<String, Tensor> byLabel) {
        return assertAgrees(executor, forward, loss, Feeds.byLabel(forward, byLabel));
    }

    /** Returns the worst error seen. */
    public static double assertAgrees(Executor executor, Graph forward, String loss, Feeds feeds) {
        Vjp.Gradients g = Vjp.of(forward, loss);
        Set<Integer> keep = lossAndGradients(forward, g, loss);
        Values expected = Interpreter.run(g.graph(), feeds);
        Values actual = executor.run(g.graph(), feeds, keep);
        double worst = 0;
        for (int id : keep) {
            double e = TensorFormat.relativeError(actual.get(id), expected.get(id));
            worst = Math.max(worst, e);
            String name = g.graph().node(id).name();
            double err = e;
            assertTrue(e <= TOLERANCE, () -> name + ": compiled differs from interpreted by " + err);
        }
        Values again = executor.run(g.graph(), feeds, keep);
        for (int id : keep) {
            assertTrue(TensorFormat.maxMixedError(again.get(id), actual.get(id)) == 0, "a second run gives the same values");
        }
        return worst;
    }

    /**
     * Holds a float32 executor to the truth instead of to the float32 interpreter: on the loss and every leaf's
     * gradient its error against the interpreter in float64 ({@code exact}, the same graph built in float64) is
     * within {@link #TOLERANCE} or within 5x the float32 interpreter's own. For products whose kernels sum in
     * another order than the interpreter's, on graphs whose gradients amplify rounding (a Jordan net's output
     * fed back): there a float32 result's error is a draw of that magnitude, not a bound (once σ and tanh took
     * fused multiply-adds, the interpreter's error on one of its gradients was 1.2e-5 and the compiled executor's on
     * oneDNN 5.6e-5, 4.6x; within 3x before). Returns the worst ratio seen.
     */
    public static double assertAsAccurate(Executor executor, Graph forward, Graph exact, String loss, Map<String, Tensor> byLabel) {
        Map<String, Tensor> wide = new java.util.HashMap<>();
        byLabel.forEach((label, t) -> wide.put(label, t.to(dev.unfold.tensor.DType.F64)));
        Feeds feeds = Feeds.byLabel(forward, byLabel);
        Vjp.Gradients g = Vjp.of(forward, loss);
        Vjp.Gradients g64 = Vjp.of(exact, loss);
        Set<Integer> keep = lossAndGradients(forward, g, loss);
        Values truth = Interpreter.run(g64.graph(), Feeds.byLabel(exact, wide));
        Values interpreted = Interpreter.run(g.graph(), feeds);
        Values actual = executor.run(g.graph(), feeds, keep);
        double worst = 0;
        for (int id : keep) {
            String name = g.graph().node(id).name();
            assertTrue(name.equals(g64.graph().node(id).name()), () -> "the float64 graph differs at " + name);
            Tensor exactValue = truth.get(id).to(dev.unfold.tensor.DType.F32);
            double reference = TensorFormat.relativeError(interpreted.get(id), exactValue);
            double e = TensorFormat.relativeError(actual.get(id), exactValue);
            double bound = Math.max(TOLERANCE, 5 * reference);
            worst = Math.max(worst, e / bound);
            assertTrue(e <= bound, () -> name + ": compiled is " + e + " from float64, the interpreter " + reference);
        }
        return worst;
    }

    /**
     * Holds a reduced-precision executor to the truth: on the loss and every leaf's gradient its error against the
     * interpreter in float64 is within {@code tolerance}. Returns the worst error seen.
     */
    public static double assertWithin(Executor executor, Graph forward, Graph exact, String loss, Map<String, Tensor> byLabel, double tolerance) {
        Map<String, Tensor> wide = new java.util.HashMap<>();
        byLabel.forEach((label, t) -> wide.put(label, t.to(dev.unfold.tensor.DType.F64)));
        Vjp.Gradients g = Vjp.of(forward, loss);
        Vjp.Gradients g64 = Vjp.of(exact, loss);
        Set<Integer> keep = lossAndGradients(forward, g, loss);
        Values truth = Interpreter.run(g64.graph(), Feeds.byLabel(exact, wide));
        Values actual = executor.run(g.graph(), Feeds.byLabel(forward, byLabel), keep);
        double worst = 0;
        for (int id : keep) {
            String name = g.graph().node(id).name();
            double e = TensorFormat.relativeError(actual.get(id), truth.get(id).to(dev.unfold.tensor.DType.F32));
            worst = Math.max(worst, e);
            assertTrue(e <= tolerance, () -> name + ": " + e + " from float64, above " + tolerance);
        }
        return worst;
    }

    /** The loss and the gradient of every leaf it reaches that is not a constant. */
    private static Set<Integer> lossAndGradients(Graph forward, Vjp.Gradients g, String loss) {
        Set<Integer> keep = new HashSet<>();
        keep.add(forward.output(loss).id());
        for (Node n : forward.nodes()) {
            if (n.op() instanceof Leaf l && l.kind() != Leaf.Kind.CONSTANT && g.has(n.id())) {
                keep.add(g.gradOf(n.id()));
            }
        }
        return keep;
    }
}
