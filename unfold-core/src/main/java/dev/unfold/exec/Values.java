package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.op.Var;
import dev.unfold.tensor.Tensor;

/** The value of every node of one execution of a graph, by node id. */
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
        return values[id];
    }

    public Tensor get(Var v) {
        return values[v.id()];
    }

    /** The value of the graph output {@code name}. */
    public Tensor output(String name) {
        return values[graph.output(name).id()];
    }
}
