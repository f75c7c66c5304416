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
        Set<Integer> keep = new HashSet<>();
        keep.add(forward.output(loss).id());
        for (Node n : forward.nodes()) {
            if (n.op() instanceof Leaf l && l.kind() != Leaf.Kind.CONSTANT && g.has(n.id())) {
                keep.add(g.gradOf(n.id()));
            }
        }
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
}
