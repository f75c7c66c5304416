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
 * inputs' values. Parameters and inputs take their values from {@code feeds}, by name.
 */
public final class Interpreter {
    private Interpreter() {
    }

    public static Values run(Graph graph, Map<String, Tensor> feeds) {
        Tensor[] values = new Tensor[graph.size()];
        for (Node n : graph.nodes()) {
            values[n.id()] = evaluate(n, values, feeds);
        }
        return new Values(graph, values);
    }

    private static Tensor evaluate(Node n, Tensor[] values, Map<String, Tensor> feeds) {
        if (n.op() instanceof Leaf leaf && leaf.kind() != Leaf.Kind.CONSTANT) {
            return feed(n, leaf, feeds);
        }
        List<Tensor> in = new ArrayList<>(n.inputs().size());
        for (int id : n.inputs()) {
            in.add(values[id]);
        }
        return n.op().forward(in);
    }

    private static Tensor feed(Node n, Leaf leaf, Map<String, Tensor> feeds) {
        Tensor t = feeds.get(leaf.label());
        if (t == null) {
            throw new IllegalArgumentException("no value fed for " + leaf.name() + " '" + leaf.label() + "'");
        }
        if (!t.shape().equals(n.shape())) {
            throw new IllegalArgumentException(leaf.name() + " '" + leaf.label() + "' must have shape " + n.shape() + ", got " + t.shape());
        }
        return t.to(n.dtype());
    }
}
