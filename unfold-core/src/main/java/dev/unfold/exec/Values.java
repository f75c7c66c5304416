package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.op.Var;
import dev.unfold.tensor.Tensor;

/**
 * Node values of one execution of a graph, by node id. The interpreter keeps every value; a compiled
 * executor keeps the ones it was asked to keep (values written into a {@link Sink} are in the sink).
 */
public final class Values {
    private final Graph graph;
    private final Tensor[] values;

    Values(Graph graph, Tensor[] values) {
        this.graph = graph;
        this.values = values;
    }

    public Graph graph() {
        return graph;
    }

    public Tensor get(int id) {
        Tensor t = values[id];
        if (t == null) {
            throw new IllegalStateException("the value of node " + id + " (" + graph.node(id).name() + ") was not kept");
        }
        return t;
    }

    public Tensor get(Var v) {
        return get(v.id());
    }

    public boolean has(int id) {
        return values[id] != null;
    }

    /** The value of the graph output {@code name}. */
    public Tensor output(String name) {
        return get(graph.output(name).id());
    }
}
