package dev.unfold.graph;

import dev.unfold.op.Op;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the invariants every graph must hold: ids are positions, inputs come earlier (so the graph is
 * acyclic and the id order topological), arities match, and each node's recorded shape and precision
 * are what its op's rules give for its inputs. Run after every transformation.
 */
public final class Verifier {
    private Verifier() {
    }

    /** Returns {@code g}, or throws with every violation found. */
    public static Graph verify(Graph g) {
        List<String> problems = new ArrayList<>();
        for (int id = 0; id < g.size(); id++) {
            Node n = g.node(id);
            if (n.id() != id) {
                problems.add("node at " + id + " has id " + n.id());
                continue;
            }
            checkNode(g, n, problems);
        }
        g.outputs().forEach((name, id) -> {
            if (id < 0 || id >= g.size()) {
                problems.add("output '" + name + "' points outside the graph");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("graph fails verification: " + String.join("; ", problems));
        }
        return g;
    }

    private static void checkNode(Graph g, Node n, List<String> problems) {
        Op op = n.op();
        if (op.arity() >= 0 && op.arity() != n.inputs().size()) {
            problems.add(n.name() + ": " + op.name() + " takes " + op.arity() + " inputs, has " + n.inputs().size());
            return;
        }
        List<Shape> shapes = new ArrayList<>();
        List<DType> dtypes = new ArrayList<>();
        for (int in : n.inputs()) {
            if (in < 0 || in >= n.id()) {
                problems.add(n.name() + ": input " + in + " does not come before node " + n.id());
                return;
            }
            shapes.add(g.node(in).shape());
            dtypes.add(g.node(in).dtype());
        }
        try {
            Shape expected = op.shape(shapes);
            if (!expected.equals(n.shape())) {
                problems.add(n.name() + ": recorded shape " + n.shape() + ", rule gives " + expected);
            }
            if (op.dtype(dtypes) != n.dtype()) {
                problems.add(n.name() + ": recorded " + n.dtype() + ", rule gives " + op.dtype(dtypes));
            }
        } catch (IllegalArgumentException e) {
            problems.add(n.name() + ": " + e.getMessage());
        }
    }
}
