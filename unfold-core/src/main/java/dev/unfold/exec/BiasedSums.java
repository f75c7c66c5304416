package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Add;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pre-activation of an Elman or LSTM step, {@code (x W_ihᵀ + b_ih) + (h W_hhᵀ + b_hh)}: two products, each plus
 * a bias row, added. Made in one pass over the four operands instead of three (two bias adds and their sum), in
 * the graph's order of additions, so the result is the same bit for bit.
 */
final class BiasedSums {
    static final String KIND = "add, two biased terms";

    private BiasedSums() {
    }

    /** Finds such sums among the values not yet covered, marks what they cover, and returns their units. */
    static List<Unit> sums(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, Map<Long, ElementwiseLowerings.TiledRow> rows) {
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !(n.op() instanceof Add) || !sameShape(g, n, 0) || !sameShape(g, n, 1)) {
                continue;
            }
            Node left = g.node(n.inputs().get(0));
            Node right = g.node(n.inputs().get(1));
            if (left.id() != right.id() && biased(g, left, n, kept, covered) && biased(g, right, n, kept, covered)) {
                covered[n.id()] = true;
                covered[left.id()] = true;
                covered[right.id()] = true;
                units.add(unit(g, n, left, right, rows));
            }
        }
        return units;
    }

    /** {@code term + bias} read by {@code sum} alone and not kept, the term of the sum's shape, the bias a parameter row. */
    private static boolean biased(Graph g, Node add, Node sum, boolean[] kept, boolean[] covered) {
        return add.op() instanceof Add && !kept[add.id()] && !covered[add.id()] && g.consumers(add.id()).size() == 1 && sameShape(g, add, 0)
                && ElementwiseLowerings.isBias(g.node(add.inputs().get(1)), add.shape());
    }

    private static boolean sameShape(Graph g, Node n, int input) {
        return g.node(n.inputs().get(input)).shape().equals(n.shape());
    }

    private static Unit unit(Graph g, Node sum, Node left, Node right, Map<Long, ElementwiseLowerings.TiledRow> rows) {
        int o = sum.id();
        int a = left.inputs().get(0);
        int ba = left.inputs().get(1);
        int c = right.inputs().get(0);
        int bc = right.inputs().get(1);
        int size = sum.shape().size();
        int cols = sum.shape().dim(-1);
        ElementwiseLowerings.TiledRow tiledA = ElementwiseLowerings.tiled(rows, ba, size, cols);
        ElementwiseLowerings.TiledRow tiledC = ElementwiseLowerings.tiled(rows, bc, size, cols);
        Instruction ins = v -> {
            float[] x = v[a];
            float[] bx = tiledA.of(v[ba]);
            float[] y = v[c];
            float[] by = tiledC.of(v[bc]);
            float[] z = v[o];
            for (int i = 0; i < size; i++) {
                z[i] = (x[i] + bx[i]) + (y[i] + by[i]);
            }
        };
        int[] reads = java.util.stream.IntStream.of(a, ba, c, bc).distinct().toArray();
        return new Unit(o, new int[] {o, left.id(), right.id()}, new int[] {o}, reads, ins, KIND);
    }
}
