package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * The values fed to a graph's parameter and input leaves, by node. Built once per run with
 * {@link #builder()}; read-only afterwards. {@link #byLabel} serves graphs built by hand, whose leaves are
 * known by their labels.
 */
public final class Feeds {
    private final Map<Integer, Tensor> byNode;

    private Feeds(Map<Integer, Tensor> byNode) {
        this.byNode = byNode;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value fed to node {@code id}, or null. */
    public Tensor get(int id) {
        return byNode.get(id);
    }

    public int size() {
        return byNode.size();
    }

    /** These feeds with node {@code id} fed {@code value} instead (finite differences probe one leaf at a time). */
    public Feeds with(int id, Tensor value) {
        Map<Integer, Tensor> m = new HashMap<>(byNode);
        m.put(id, value);
        return new Feeds(m);
    }

    /** Each leaf of {@code g} whose label is a key of {@code byLabel} fed that value. */
    public static Feeds byLabel(Graph g, Map<String, Tensor> byLabel) {
        Builder b = builder();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Leaf leaf && leaf.kind() != Leaf.Kind.CONSTANT) {
                Tensor t = byLabel.get(leaf.label());
                if (t != null) {
                    b.put(n.id(), t);
                }
            }
        }
        return b.build();
    }

    /** Collects feeds; a node fed twice keeps the last value. */
    public static final class Builder {
        private final Map<Integer, Tensor> byNode = new HashMap<>();

        private Builder() {
        }

        public Builder put(Var leaf, Tensor value) {
            return put(leaf.id(), value);
        }

        public Builder put(int id, Tensor value) {
            byNode.put(id, value);
            return this;
        }

        public Builder putAll(Feeds other) {
            byNode.putAll(other.byNode);
            return this;
        }

        /** The feeds collected; the builder is not to be used again. */
        public Feeds build() {
            return new Feeds(byNode);
        }
    }
}
