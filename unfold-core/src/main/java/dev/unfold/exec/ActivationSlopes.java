package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Affine;
import dev.unfold.op.Mul;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The VJPs of σ and tanh from their saved output y, as the ops build them: {@code g ⊙ (y ⊙ (1 − y))} and
 * {@code g ⊙ (1 − y ⊙ y)}, three element-wise passes each (an LSTM step's backward has five of them). Each is made
 * in one pass, with the same products and affine map in the same order, so the result is the same bit for bit.
 * The affine map is the graph's own ({@code 1 − y} is {@code −1·y + 1}); any scale and shift are taken as they are.
 * When g is itself a product {@code p ⊙ q} read by the slope alone (an LSTM step's {@code dh′ ⊙ tanh c′},
 * {@code dc′ ⊙ g}, {@code dc′ ⊙ i}, ...), it is made on the way and never stored: the same float products, one unit
 * and one buffer less.
 */
final class ActivationSlopes {
    static final String SIGMOID = "σ slope";
    static final String TANH = "tanh slope";

    private ActivationSlopes() {
    }

    /** Finds such products among the values not yet covered, marks what they cover, and returns their units. */
    static List<Unit> slopes(Graph g, boolean[] needed, boolean[] kept, boolean[] covered) {
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !(n.op() instanceof Mul) || !sameShape(g, n)) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                Node grad = g.node(n.inputs().get(1 - side));
                Node slope = g.node(n.inputs().get(side));
                if (grad.id() == slope.id() || !inner(g, slope, kept, covered)) {
                    continue;
                }
                Unit u = sigmoid(g, n, grad, slope, kept, covered);
                u = u != null ? u : tanh(g, n, grad, slope, kept, covered);
                if (u != null) {
                    units.add(u);
                    break;
                }
            }
        }
        return units;
    }

    /** {@code slope = y ⊙ a(y)}, {@code a} affine: {@code dx = g ⊙ (y ⊙ (s·y + t))}. */
    private static Unit sigmoid(Graph g, Node root, Node grad, Node slope, boolean[] kept, boolean[] covered) {
        Node map = mapOfSigmoid(g, slope);
        Node y = map == null ? null : g.node(map.inputs().get(0));
        if (y == null || !inner(g, map, kept, covered) || y.id() == grad.id() || !y.shape().equals(root.shape()) || !map.shape().equals(root.shape())) {
            return null;
        }
        Affine a = (Affine) map.op();
        int[] dy = gradient(g, grad, root, kept, covered);
        int[] all = covers(dy, grad, root, slope, map);
        cover(covered, all);
        int o = root.id();
        int yi = y.id();
        int size = root.shape().size();
        float scale = (float) a.scale();
        float shift = (float) a.shift();
        Instruction ins = v -> {
            float[] out = v[yi];
            float[] dx = v[o];
            float[] gy = given(v, dy, dx, size);
            for (int i = 0; i < size; i++) {
                float s = out[i];
                dx[i] = gy[i] * (s * (scale * s + shift));
            }
        };
        return new Unit(o, all, new int[] {o}, reads(dy, yi), ins, SIGMOID);
    }

    /** {@code slope = a(y ⊙ y)}, {@code a} affine: {@code dx = g ⊙ (s·(y ⊙ y) + t)}. */
    private static Unit tanh(Graph g, Node root, Node grad, Node slope, boolean[] kept, boolean[] covered) {
        Node square = squareOfTanh(g, slope);
        if (square == null || !inner(g, square, kept, covered) || square.inputs().get(0) == grad.id() || !square.shape().equals(root.shape())) {
            return null;
        }
        Affine a = (Affine) slope.op();
        int[] dy = gradient(g, grad, root, kept, covered);
        int[] all = covers(dy, grad, root, slope, square);
        cover(covered, all);
        int o = root.id();
        int yi = square.inputs().get(0);
        int size = root.shape().size();
        float scale = (float) a.scale();
        float shift = (float) a.shift();
        Instruction ins = v -> {
            float[] out = v[yi];
            float[] dx = v[o];
            float[] gy = given(v, dy, dx, size);
            for (int i = 0; i < size; i++) {
                float s = out[i];
                dx[i] = gy[i] * (scale * (s * s) + shift);
            }
        };
        return new Unit(o, all, new int[] {o}, reads(dy, yi), ins, TANH);
    }

    /** The affine map {@code a} of {@code slope = y ⊙ a(y)}, either way round, or null: the σ slope's shape. */
    static Node mapOfSigmoid(Graph g, Node slope) {
        if (!(slope.op() instanceof Mul)) {
            return null;
        }
        for (int side = 0; side < 2; side++) {
            Node y = g.node(slope.inputs().get(1 - side));
            Node map = g.node(slope.inputs().get(side));
            if (map.op() instanceof Affine && map.inputs().get(0) == y.id() && y.id() != map.id()) {
                return map;
            }
        }
        return null;
    }

    /** The square {@code y ⊙ y} of {@code slope = a(y ⊙ y)}, {@code a} affine, or null: the tanh slope's shape. */
    static Node squareOfTanh(Graph g, Node slope) {
        if (!(slope.op() instanceof Affine)) {
            return null;
        }
        Node square = g.node(slope.inputs().get(0));
        return square.op() instanceof Mul && square.inputs().get(0).intValue() == square.inputs().get(1).intValue() ? square : null;
    }

    /**
     * What g is read from: {@code {g}}, or {@code {p, q}} when g is a product {@code p ⊙ q} of its own shape that the
     * slope alone reads, not kept and not yet covered (then the unit covers it).
     */
    private static int[] gradient(Graph g, Node grad, Node root, boolean[] kept, boolean[] covered) {
        boolean product = grad.op() instanceof Mul && inner(g, grad, kept, covered) && sameShape(g, grad) && grad.shape().equals(root.shape());
        return product ? new int[] {grad.inputs().get(0), grad.inputs().get(1)} : new int[] {grad.id()};
    }

    /** g's values: the stored g, or {@code p ⊙ q} made in {@code dx}, which the slope's pass then reads and writes in place. */
    private static float[] given(float[][] v, int[] dy, float[] dx, int size) {
        if (dy.length == 1) {
            return v[dy[0]];
        }
        float[] p = v[dy[0]];
        float[] q = v[dy[1]];
        for (int i = 0; i < size; i++) {
            dx[i] = p[i] * q[i];
        }
        return dx;
    }

    private static int[] covers(int[] dy, Node grad, Node root, Node slope, Node inner) {
        return dy.length == 1 ? new int[] {root.id(), slope.id(), inner.id()} : new int[] {root.id(), slope.id(), inner.id(), grad.id()};
    }

    private static int[] reads(int[] dy, int y) {
        return IntStream.concat(Arrays.stream(dy), IntStream.of(y)).distinct().toArray();
    }

    /** A value of the pattern's inside: read by one node alone, not kept, not yet covered. */
    private static boolean inner(Graph g, Node n, boolean[] kept, boolean[] covered) {
        return !kept[n.id()] && !covered[n.id()] && g.consumers(n.id()).size() == 1;
    }

    private static boolean sameShape(Graph g, Node n) {
        return n.inputs().stream().allMatch(i -> g.node(i).shape().equals(n.shape()));
    }

    private static void cover(boolean[] covered, int[] ids) {
        for (int id : ids) {
            covered[id] = true;
        }
    }
}
