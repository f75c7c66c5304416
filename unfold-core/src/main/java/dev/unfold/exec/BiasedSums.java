package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Add;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

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
     * One such sum, {@code z = (a + aBias) + (y + yBias)}, or {@code z = a + (y + yBias)} with {@code aBias} -1 (the
     * biased term on either side of the graph's add: a float sum of two operands is the same whichever comes first).
     * An LSTM step may take it in ({@link LstmGateUnits}); else {@link #unit} makes z in a pass of its own.
     */
    record Sum(int z, int a, int aBias, int y, int yBias, int[] covers) {
        int[] reads() {
            return IntStream.of(a, aBias, y, yBias).filter(id -> id >= 0).distinct().toArray();
        }

        Unit unit(Graph g, Map<Long, ElementwiseLowerings.TiledRow> rows) {
            int size = g.node(z).shape().size();
            int cols = g.node(z).shape().dim(-1);
            ElementwiseLowerings.TiledRow tiledY = ElementwiseLowerings.tiled(rows, yBias, size, cols);
            int o = z;
            int x = a;
            int t = y;
            int by = yBias;
            if (aBias < 0) {
                Instruction ins = v -> {
                    float[] p = v[x];
                    float[] q = v[t];
                    float[] bq = tiledY.of(v[by]);
                    float[] out = v[o];
                    for (int i = 0; i < size; i++) {
                        out[i] = p[i] + (q[i] + bq[i]);
                    }
                };
                return new Unit(z, covers, new int[] {z}, reads(), ins, ONE_BIASED);
            }
            ElementwiseLowerings.TiledRow tiledA = ElementwiseLowerings.tiled(rows, aBias, size, cols);
            int bx = aBias;
            Instruction ins = v -> {
                float[] p = v[x];
                float[] bp = tiledA.of(v[bx]);
                float[] q = v[t];
                float[] bq = tiledY.of(v[by]);
                float[] out = v[o];
                for (int i = 0; i < size; i++) {
                    out[i] = (p[i] + bp[i]) + (q[i] + bq[i]);
                }
            };
            return new Unit(z, covers, new int[] {z}, reads(), ins, KIND);
        }
    }

    /**
     * Finds such sums among the values not yet covered and marks what they cover; and sums of one biased product and
     * a value computed on its own (by its own lowering, or by a unit already made: one that {@code written} holds, as
     * a projected embedding table with its bias), {@code p + (h W_hhᵀ + b_hh)}.
     */
    static List<Sum> sums(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, Set<Integer> written) {
        List<Sum> sums = new ArrayList<>();
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
                sums.add(new Sum(n.id(), left.inputs().get(0), left.inputs().get(1), right.inputs().get(0), right.inputs().get(1),
                        new int[] {n.id(), left.id(), right.id()}));
            } else if (leftBiased != rightBiased && computed(rightBiased ? left : right, covered, written)) {
                Node term = leftBiased ? left : right;
                Node plain = leftBiased ? right : left;
                covered[n.id()] = true;
                covered[term.id()] = true;
                sums.add(new Sum(n.id(), plain.id(), -1, term.inputs().get(0), term.inputs().get(1), new int[] {n.id(), term.id()}));
            }
        }
        return sums;
    }

    /** A value that has a buffer of its own when the sum runs: computed by its own lowering, or by a unit already made. */
    private static boolean computed(Node value, boolean[] covered, Set<Integer> written) {
        return !covered[value.id()] || written.contains(value.id());
    }

    /** {@code term + bias} read by {@code sum} alone and not kept, the term of the sum's shape, the bias a parameter row. */
    private static boolean biased(Graph g, Node add, Node sum, boolean[] kept, boolean[] covered) {
        return add.op() instanceof Add && !kept[add.id()] && !covered[add.id()] && g.consumers(add.id()).size() == 1 && sameShape(g, add, 0)
                && ElementwiseLowerings.isBias(g.node(add.inputs().get(1)), add.shape());
    }

    private static boolean sameShape(Graph g, Node n, int input) {
        return g.node(n.inputs().get(input)).shape().equals(n.shape());
    }
}
