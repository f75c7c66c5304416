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
    static final String ONE_BIASED = "add, one biased term";

    private BiasedSums() {
    }

    /**
     * Finds such sums among the values not yet covered, marks what they cover, and returns their units; and sums of
     * one biased product and a value computed on its own (by its own lowering, or by a unit already made: one that
     * {@code written} holds, as a projected embedding table with its bias), {@code p + (h W_hhᵀ + b_hh)}, in one pass too.
     */
    static List<Unit> sums(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, java.util.Set<Integer> written,
            Map<Long, ElementwiseLowerings.TiledRow> rows) {
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !(n.op() instanceof Add) || !sameShape(g, n, 0) || !sameShape(g, n, 1)) {
                continue;
            }
            Node left = g.node(n.inputs().get(0));
            Node right = g.node(n.inputs().get(1));
            if (left.id() == right.id()) {
                continue;
            }
            boolean leftBiased = biased(g, left, n, kept, covered);
            boolean rightBiased = biased(g, right, n, kept, covered);
            if (leftBiased && rightBiased) {
                covered[n.id()] = true;
                covered[left.id()] = true;
                covered[right.id()] = true;
                units.add(unit(g, n, left, right, rows));
            } else if (leftBiased != rightBiased && computed(rightBiased ? left : right, covered, written)) {
                Node term = leftBiased ? left : right;
                covered[n.id()] = true;
                covered[term.id()] = true;
                units.add(oneBiased(g, n, term, leftBiased, rows));
            }
        }
        return units;
    }

    /** A value that has a buffer of its own when the sum runs: computed by its own lowering, or by a unit already made. */
    private static boolean computed(Node value, boolean[] covered, java.util.Set<Integer> written) {
        return !covered[value.id()] || written.contains(value.id());
    }

    /**
     * {@code p + (y + b)}, or {@code (y + b) + p} with the biased term on the left: one loop for both, a float sum of two
     * operands being the same whichever comes first.
     */
    private static Unit oneBiased(Graph g, Node sum, Node term, boolean termOnLeft, Map<Long, ElementwiseLowerings.TiledRow> rows) {
        int o = sum.id();
        int p = sum.inputs().get(termOnLeft ? 1 : 0);
        int y = term.inputs().get(0);
        int b = term.inputs().get(1);
        int size = sum.shape().size();
        ElementwiseLowerings.TiledRow tiled = ElementwiseLowerings.tiled(rows, b, size, sum.shape().dim(-1));
        Instruction ins = v -> {
            float[] x = v[p];
            float[] t = v[y];
            float[] by = tiled.of(v[b]);
            float[] z = v[o];
            for (int i = 0; i < size; i++) {
                z[i] = x[i] + (t[i] + by[i]);
            }
        };
        int[] reads = java.util.stream.IntStream.of(p, y, b).distinct().toArray();
        return new Unit(o, new int[] {o, term.id()}, new int[] {o}, reads, ins, ONE_BIASED);
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
