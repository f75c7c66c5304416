package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.op.Var;
import dev.unfold.tensor.Tensor;

/**
 * Node values of one execution of a graph, by node id. The interpreter keeps every value; a compiled
 * executor keeps the ones it was asked to keep, as tensors, and lends the ones it was asked to lend
 * ({@link #borrow}).
 */
public final class Values {
    private final Graph graph;
    private final Tensor[] values;
    private final Borrowed[] lent;

    Values(Graph graph, Tensor[] values) {
        this(graph, values, new Borrowed[values.length]);
    }

    Values(Graph graph, Tensor[] values, Borrowed[] lent) {
        this.graph = graph;
        this.values = values;
        this.lent = lent;
    }

    public Graph graph() {
        return graph;
    }

    public Tensor get(int id) {
        Tensor t = values[id];
        if (t == null) {
            throw new IllegalStateException("the value of node " + id + " (" + graph.node(id).name() + ") was not kept"
                    + (lent[id] != null ? "; it was lent, read it with borrow()" : ""));
        }
        return t;
    }

    public Tensor get(Var v) {
        return get(v.id());
    }

    /** A lent value, or a kept one seen the same way. */
    public Borrowed borrow(int id) {
        if (lent[id] != null) {
            return lent[id];
        }
        return Borrowed.of(get(id));
    }

    public boolean has(int id) {
        return values[id] != null || lent[id] != null;
    }

    /** The value of the graph output {@code name}. */
    public Tensor output(String name) {
        return get(graph.output(name).id());
    }
}
