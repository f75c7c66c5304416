package dev.unfold.exec;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Arrays a run writes chosen values into, in place of storage of its own: a trainer's gradient buffers,
 * which the program then fills directly, with no copy and no allocation per update. Each array has its
 * node's number of elements, in the node's precision for float64 graphs and float32 otherwise.
 */
public final class Sink {
    private static final Sink NONE = new Sink(Map.of(), Map.of());
    private final Map<Integer, float[]> f32;
    private final Map<Integer, double[]> f64;
    private final Set<Integer> nodes;

    private Sink(Map<Integer, float[]> f32, Map<Integer, double[]> f64) {
        this.f32 = f32;
        this.f64 = f64;
        Set<Integer> all = new HashSet<>(f32.keySet());
        all.addAll(f64.keySet());
        this.nodes = Collections.unmodifiableSet(all);
    }

    public static Sink none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The nodes whose values go into this sink. */
    public Set<Integer> nodes() {
        return nodes;
    }

    public boolean isEmpty() {
        return f32.isEmpty() && f64.isEmpty();
    }

    /** The float32 array of node {@code id}, or null. */
    public float[] f32(int id) {
        return f32.get(id);
    }

    /** The float64 array of node {@code id}, or null. */
    public double[] f64(int id) {
        return f64.get(id);
    }

    /** Collects arrays; a node given twice keeps the last. */
    public static final class Builder {
        private final Map<Integer, float[]> f32 = new HashMap<>();
        private final Map<Integer, double[]> f64 = new HashMap<>();

        private Builder() {
        }

        public Builder put(int node, float[] into) {
            f32.put(node, into);
            f64.remove(node);
            return this;
        }

        public Builder put(int node, double[] into) {
            f64.put(node, into);
            f32.remove(node);
            return this;
        }

        public Sink build() {
            return new Sink(Map.copyOf(f32), Map.copyOf(f64));
        }
    }
}
