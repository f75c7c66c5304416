package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The values fed to a graph's parameter and input leaves, by node. Built once per run with
 * {@link #builder()}; read-only afterwards. {@link #byLabel} serves graphs built by hand, whose leaves are
 * known by their labels. Held by node id in an array: a window's feeds (every step's input and target, the
 * parameters) are made and read once per run.
 */
public final class Feeds {
    private final Tensor[] byNode;
    private final int size;

    private Feeds(Tensor[] byNode, int size) {
        this.byNode = byNode;
        this.size = size;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The value fed to node {@code id}, or null. */
    public Tensor get(int id) {
        return id >= 0 && id < byNode.length ? byNode[id] : null;
    }

    public int size() {
        return size;
    }

    /** These feeds with node {@code id} fed {@code value} instead (finite differences probe one leaf at a time). */
    public Feeds with(int id, Tensor value) {
        return builder().putAll(this).put(id, value).build();
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
        private Tensor[] byNode = new Tensor[16];
        private int size;

        private Builder() {
        }

        public Builder put(Var leaf, Tensor value) {
            return put(leaf.id(), value);
        }

        public Builder put(int id, Tensor value) {
            if (id < 0) {
                throw new IllegalArgumentException("a node id must not be negative, got " + id);
            }
            if (id >= byNode.length) {
                byNode = Arrays.copyOf(byNode, Math.max(id + 1, 2 * byNode.length));
            }
            if (byNode[id] == null && value != null) {
                size++;
            } else if (byNode[id] != null && value == null) {
                size--;
            }
            byNode[id] = value;
            return this;
        }

        public Builder putAll(Feeds other) {
            for (int id = 0; id < other.byNode.length; id++) {
                if (other.byNode[id] != null) {
                    put(id, other.byNode[id]);
                }
            }
            return this;
        }

        /** The feeds collected; the builder is not to be used again. */
        public Feeds build() {
            return new Feeds(byNode, size);
        }
    }
}
