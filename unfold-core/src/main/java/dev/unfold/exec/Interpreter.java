package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reference semantics of a graph: evaluate node by node in topological order, each op's forward on its
 * inputs' values. Parameters and inputs take their values from the feeds.
 */
public final class Interpreter {
    private Interpreter() {
    }

    public static Values run(Graph graph, Feeds feeds) {
        Tensor[] values = new Tensor[graph.size()];
        for (Node n : graph.nodes()) {
            values[n.id()] = evaluate(n, values, feeds);
        }
        return new Values(graph, values);
    }

    /** For graphs built by hand: leaves fed by their labels. */
    public static Values run(Graph graph, Map<String, Tensor> byLabel) {
        return run(graph, Feeds.byLabel(graph, byLabel));
    }

    private static Tensor evaluate(Node n, Tensor[] values, Feeds feeds) {
        if (n.op() instanceof Leaf leaf && leaf.kind() != Leaf.Kind.CONSTANT) {
            return fed(n, leaf, feeds).to(n.dtype());
        }
        List<Tensor> in = new ArrayList<>(n.inputs().size());
        for (int id : n.inputs()) {
            in.add(values[id]);
        }
        return n.op().forward(in);
    }

    /** Writes {@code t}, the value of node {@code id}, into its array of {@code sink}. */
    static void copyInto(Tensor t, int id, Sink sink) {
        float[] f = sink.f32(id);
        if (f != null) {
            checkLength(t, f.length, id);
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) t.get(i);
            }
            return;
        }
        double[] d = sink.f64(id);
        checkLength(t, d.length, id);
        for (int i = 0; i < d.length; i++) {
            d[i] = t.get(i);
        }
    }

    private static void checkLength(Tensor t, int length, int id) {
        if (t.size() != length) {
            throw new IllegalArgumentException("the sink's array for node " + id + " has " + length + " elements, its value " + t.size());
        }
    }

    /** The value fed to a leaf, checked against its shape; every executor feeds through here. */
    static Tensor fed(Node n, Leaf leaf, Feeds feeds) {
        Tensor t = feeds.get(n.id());
        if (t == null) {
            throw new IllegalArgumentException("no value fed for " + leaf.name() + " '" + leaf.label() + "'");
        }
        if (!t.shape().equals(n.shape())) {
            throw new IllegalArgumentException(leaf.name() + " '" + leaf.label() + "' must have shape " + n.shape() + ", got " + t.shape());
        }
        return t;
    }
}
