package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Add;
import dev.unfold.op.Mul;
import java.util.ArrayList;
import java.util.List;

/**
 * A sum of two element-wise products, {@code a ⊙ b + c ⊙ d}: an LSTM's {@code c′ = f ⊙ c + i ⊙ g}, a GRU's
 * {@code h′ = (1 − z) ⊙ n + z ⊙ h}. Made in one pass instead of three, each product rounded and then the sum, so the
 * result is the same bit for bit.
 */
final class ProductSums {
    static final String KIND = "add of two products";

    private ProductSums() {
    }

    /** Finds such sums among the values not yet covered, marks what they cover, and returns their units. */
    static List<Unit> sums(Graph g, boolean[] needed, boolean[] kept, boolean[] covered) {
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !(n.op() instanceof Add) || n.inputs().get(0).intValue() == n.inputs().get(1).intValue()) {
                continue;
            }
            Node left = g.node(n.inputs().get(0));
            Node right = g.node(n.inputs().get(1));
            if (product(g, left, n, kept, covered) && product(g, right, n, kept, covered)) {
                covered[n.id()] = true;
                covered[left.id()] = true;
                covered[right.id()] = true;
                units.add(unit(n, left, right));
            }
        }
        return units;
    }

    /** An element-wise product of two values of the sum's shape, read by the sum alone, not kept, not yet covered. */
    private static boolean product(Graph g, Node p, Node sum, boolean[] kept, boolean[] covered) {
        return p.op() instanceof Mul && !kept[p.id()] && !covered[p.id()] && g.consumers(p.id()).size() == 1 && p.shape().equals(sum.shape())
                && p.inputs().stream().allMatch(i -> g.node(i).shape().equals(sum.shape()));
    }

    private static Unit unit(Node sum, Node left, Node right) {
        int o = sum.id();
        int a = left.inputs().get(0);
        int b = left.inputs().get(1);
        int c = right.inputs().get(0);
        int d = right.inputs().get(1);
        int size = sum.shape().size();
        Instruction ins = v -> {
            float[] x = v[a];
            float[] y = v[b];
            float[] z = v[c];
            float[] w = v[d];
            float[] out = v[o];
            for (int i = 0; i < size; i++) {
                out[i] = x[i] * y[i] + z[i] * w[i];
            }
        };
        int[] reads = java.util.stream.IntStream.of(a, b, c, d).distinct().toArray();
        return new Unit(o, new int[] {o, left.id(), right.id()}, new int[] {o}, reads, ins, KIND);
    }
}
