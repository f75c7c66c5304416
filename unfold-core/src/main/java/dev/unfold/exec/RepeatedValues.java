package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.op.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A value the graph computes twice, the same op of the same inputs: the VJP of {@code (x W_ihᵀ + b_ih) + (h W_hhᵀ + b_hh)}
 * sums the same gate gradients over the batch once for each bias, every step. The second is a copy of the first.
 */
final class RepeatedValues {
    static final String KIND = "copy of a repeated value";

    private RepeatedValues() {
    }

    /**
     * Finds such values among those still to be computed on their own (read by a unit or another such value, and not
     * covered), marks the repeats covered, and returns the units that copy them from the first.
     */
    static List<Unit> copies(Graph g, boolean[] read, boolean[] needed, boolean[] covered) {
        Map<Key, Integer> first = new HashMap<>();
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!read[n.id()] || !needed[n.id()] || covered[n.id()] || n.op() instanceof Leaf) {
                continue;
            }
            Key key = new Key(n.op(), n.inputs());
            Integer original = first.putIfAbsent(key, n.id());
            if (original != null) {
                covered[n.id()] = true;
                int from = original;
                int to = n.id();
                int size = n.shape().size();
                units.add(new Unit(to, new int[] {to}, new int[] {to}, new int[] {from}, v -> System.arraycopy(v[from], 0, v[to], 0, size), KIND));
            }
        }
        return units;
    }

    private record Key(Op op, List<Integer> inputs) {
    }
}
