package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.LstmGates;
import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.Mul;
import dev.unfold.op.Pad;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The VJP of an LSTM step's element-wise work as the ops build it, from {@code h′ = o ⊙ tanh c′} and
 * {@code c′ = f ⊙ c + i ⊙ g} back to the gradient of z, whose four blocks the slices' pads place side by side, run as
 * one call of an {@link LstmGates} kernel's {@link LstmGates#backward} instead of about a dozen units and their buffers,
 * with dh′ made from its two terms when the step alone reads their sum. The pattern is matched by structure alone
 * (the products, the slopes' maps {@code 1 − y}, the pads of blocks i, f, g, o), and the kernel makes each value with
 * the op's float operation on the op's operands, so the result is the ops' bit for bit.
 */
final class LstmStepGradients {
    static final String KIND = "lstm gates, backward";
    private static final int BLOCKS = 4;

    private LstmStepGradients() {
    }

    /** Finds such steps among the values not yet covered, marks what they cover, and returns their units. */
    static List<Unit> steps(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, LstmGates kernel) {
        List<Unit> units = new ArrayList<>();
        MatMulGroups.forEachSum(g, needed, kept, covered, sum -> {
            Step s = sum.ofDistinctTerms() && sum.leaves().size() == BLOCKS ? match(g, sum, needed, kept, covered) : null;
            if (s != null) {
                IntStream.of(s.covers()).forEach(id -> covered[id] = true);
                units.add(s.unit(kernel));
            }
        });
        return units;
    }

    /** A slope: {@code root = grad ⊙ slope(y)}, and the nodes it is made of. */
    private record Slope(int root, int grad, int y, int[] nodes) {
    }

    /** What the kernel reads and writes, by node id (-1 where absent), and what the unit covers. */
    private record Step(int rows, int hidden, int dz, Slope[] gates, Slope cell, int dhA, int dhB, int next, int c, int prev, int prevFactor,
            int[] covers) {
        Unit unit(LstmGates kernel) {
            int[] writes = prev < 0 ? new int[] {dz} : new int[] {dz, prev};
            IntStream reads = IntStream.of(dhA, dhB, next, gates[0].y(), gates[1].y(), gates[2].y(), gates[3].y(), cell.y(), c, prevFactor);
            return new Unit(dz, covers, writes, reads.filter(id -> id >= 0).distinct().toArray(), instruction(kernel), KIND);
        }

        private Instruction instruction(LstmGates kernel) {
            int r = rows;
            int h = hidden;
            int[] y = {gates[0].y(), gates[1].y(), gates[2].y(), gates[3].y(), cell.y()};
            int z = dz;
            int a = dhA;
            int b = dhB;
            int n = next;
            int ci = c;
            int p = prev;
            int pf = prevFactor;
            return v -> kernel.backward(r, h, v[a], b < 0 ? null : v[b], n < 0 ? null : v[n], v[y[0]], v[y[1]], v[y[2]], v[y[3]], v[y[4]], v[ci],
                    v[z], p < 0 ? null : v[p], p < 0 ? null : v[pf]);
        }
    }

    /** The step whose dz is {@code sum}'s root, or null. */
    private static Step match(Graph g, MatMulGroups.Sum sum, boolean[] needed, boolean[] kept, boolean[] covered) {
        Node root = sum.root();
        if (root.shape().rank() != 2 || root.shape().dim(1) % BLOCKS != 0) {
            return null;
        }
        int rows = root.shape().dim(0);
        int hidden = root.shape().dim(1) / BLOCKS;
        Slope[] gates = new Slope[BLOCKS];
        for (int leaf : sum.leaves()) {
            Node pad = g.node(leaf);
            if (!(pad.op() instanceof Pad p) || p.axis() != 1 || p.total() != BLOCKS * hidden || p.before() % hidden != 0) {
                return null;
            }
            int block = p.before() / hidden;
            Node x = g.node(pad.inputs().get(0));
            if (gates[block] != null || x.shape().rank() != 2 || x.shape().dim(0) != rows || x.shape().dim(1) != hidden) {
                return null;
            }
            gates[block] = block == 2 ? tanh(g, x) : sigmoid(g, x);
            if (gates[block] == null) {
                return null;
            }
        }
        Node gradI = product(g, gates[0].grad());
        Node gradF = product(g, gates[1].grad());
        Node gradG = product(g, gates[2].grad());
        Node gradO = product(g, gates[3].grad());
        if (gradI == null || gradF == null || gradG == null || gradO == null) {
            return null;
        }
        int d = other(gradI, gates[2].y());
        int c = other(gradF, d);
        if (d < 0 || c < 0 || c == d || other(gradG, d) != gates[0].y()) {
            return null;
        }
        Node dc = g.node(d);
        Slope cell = tanh(g, dc);
        int next = -1;
        if (cell == null && dc.op() instanceof Add) {
            for (int side = 0; side < 2 && cell == null; side++) {
                cell = tanh(g, g.node(dc.inputs().get(side)));
                next = dc.inputs().get(1 - side);
            }
        }
        Node fromH = cell == null ? null : product(g, cell.grad());
        if (fromH == null || cell.y() == gates[3].y() || other(gradO, cell.y()) < 0) {
            return null;
        }
        int dh = other(gradO, cell.y());
        if (other(fromH, gates[3].y()) != dh) {
            return null;
        }
        List<Integer> inside = new ArrayList<>(List.of(gradI.id(), gradF.id(), gradG.id(), gradO.id(), fromH.id(), d));
        sum.inner().forEach(inside::add);
        sum.leaves().forEach(inside::add);
        for (Slope s : gates) {
            IntStream.of(s.nodes()).forEach(inside::add);
        }
        if (cell.root() != d) {
            IntStream.of(cell.nodes()).forEach(inside::add);
        } else {
            IntStream.of(cell.nodes()).filter(id -> id != d).forEach(inside::add);
        }
        int prev = -1;
        int prevFactor = -1;
        for (int u : g.consumers(d)) {
            if (u == gradI.id() || u == gradF.id() || u == gradG.id() || !needed[u]) {
                continue;
            }
            if (prev >= 0 || product(g, u) == null) {
                return null;
            }
            prev = u;
            prevFactor = other(g.node(u), d);
        }
        if (prev >= 0) {
            inside.add(prev);
        }
        int dhA = dh;
        int dhB = -1;
        Node dhNode = g.node(dh);
        if (dhNode.op() instanceof Add && !kept[dh] && !covered[dh] && needed[dh]
                && g.consumers(dh).stream().allMatch(u -> u == gradO.id() || u == fromH.id())) {
            dhA = dhNode.inputs().get(0);
            dhB = dhNode.inputs().get(1);
            inside.add(dh);
        }
        int[] covers = inside.stream().mapToInt(Integer::intValue).distinct().toArray();
        int[] reads = IntStream.of(dhA, dhB, next, gates[0].y(), gates[1].y(), gates[2].y(), gates[3].y(), cell.y(), c, prevFactor)
                .filter(id -> id >= 0).toArray();
        if (covers.length != inside.size() || prevFactor == d || !closed(g, covers, root.id(), prev, needed, kept, covered)
                || !IntStream.of(reads).allMatch(id -> sameShape(g, id, rows, hidden) && IntStream.of(covers).noneMatch(x -> x == id))) {
            return null;
        }
        return new Step(rows, hidden, root.id(), gates, cell, dhA, dhB, next, c, prev, prevFactor, covers);
    }

    /** {@code grad ⊙ (y ⊙ (1 − y))}, either way round ({@link ActivationSlopes#mapOfSigmoid}); or null. */
    private static Slope sigmoid(Graph g, Node root) {
        for (int side = 0; side < 2 && root.op() instanceof Mul; side++) {
            Node slope = g.node(root.inputs().get(side));
            Node map = slope.id() != root.inputs().get(1 - side) ? ActivationSlopes.mapOfSigmoid(g, slope) : null;
            if (map != null && oneMinus(map)) {
                return new Slope(root.id(), root.inputs().get(1 - side), map.inputs().get(0), new int[] {root.id(), slope.id(), map.id()});
            }
        }
        return null;
    }

    /** {@code grad ⊙ (1 − y ⊙ y)}, either way round ({@link ActivationSlopes#squareOfTanh}); or null. */
    private static Slope tanh(Graph g, Node root) {
        for (int side = 0; side < 2 && root.op() instanceof Mul; side++) {
            Node map = g.node(root.inputs().get(side));
            Node square = map.id() != root.inputs().get(1 - side) && oneMinus(map) ? ActivationSlopes.squareOfTanh(g, map) : null;
            if (square != null) {
                return new Slope(root.id(), root.inputs().get(1 - side), square.inputs().get(0), new int[] {root.id(), map.id(), square.id()});
            }
        }
        return null;
    }

    /** {@code 1 − x}, as the VJPs of σ and tanh build it: exact in float as in double, so the kernel's float subtraction is the op's. */
    private static boolean oneMinus(Node n) {
        return n.op() instanceof Affine a && a.scale() == -1 && a.shift() == 1;
    }

    /** The node {@code id} as an element-wise product of two distinct values of its shape, or null. */
    private static Node product(Graph g, int id) {
        Node n = g.node(id);
        boolean ok = n.op() instanceof Mul && n.inputs().get(0).intValue() != n.inputs().get(1).intValue()
                && n.inputs().stream().allMatch(x -> g.node(x).shape().equals(n.shape()));
        return ok ? n : null;
    }

    /** The operand of the product {@code p} other than {@code x}, or -1 when {@code x} is not one of them. */
    private static int other(Node p, int x) {
        List<Integer> in = p.inputs();
        return in.get(0) == x ? in.get(1) : in.get(1) == x ? in.get(0) : -1;
    }

    /**
     * Every node of {@code covers} needed and not yet covered, and, but the values the pass writes, not kept and read by
     * no needed node outside it.
     */
    private static boolean closed(Graph g, int[] covers, int dz, int prev, boolean[] needed, boolean[] kept, boolean[] covered) {
        for (int id : covers) {
            if (!needed[id] || covered[id]) {
                return false;
            }
            boolean written = id == dz || id == prev;
            if (!written && (kept[id] || g.consumers(id).stream().anyMatch(u -> needed[u] && IntStream.of(covers).noneMatch(x -> x == u)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameShape(Graph g, int id, int rows, int hidden) {
        Node n = g.node(id);
        return n.shape().rank() == 2 && n.shape().dim(0) == rows && n.shape().dim(1) == hidden;
    }
}
