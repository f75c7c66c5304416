package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Activations;
import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.Mul;
import dev.unfold.op.Relu;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Tanh;
import dev.unfold.tensor.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fuses connected element-wise operations of one shape (a step's gate math: bias adds, σ and tanh, the
 * products and sums of the cell update, and their VJPs) into one unit that makes a single pass over
 * tiles of a row: each operation of the group runs on the tile while it is in L1, values used only inside
 * the group never reach memory, and those read outside are written once. Inputs from outside are values
 * of the same shape or rows broadcast along the last axis (biases). Groups grow only while no path leaves
 * the group and comes back into it, so the units stay acyclic. The same operations as the plain graph, in
 * the same order per element.
 */
final class ElementwiseFusion {
    /** Elements of a row processed at once: small enough for every operand's tile to stay in L1. */
    private static final int TILE = 256;

    private ElementwiseFusion() {
    }

    /** Finds groups of two or more fusable nodes, marks them covered, and returns their units. */
    static List<Unit> groups(Graph g, boolean[] needed, boolean[] kept, boolean[] covered) {
        int[] group = new int[g.size()];
        Arrays.fill(group, -1);
        Map<Integer, TreeSet<Integer>> members = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !fusable(g, n)) {
                continue;
            }
            group[n.id()] = n.id();
            members.put(n.id(), new TreeSet<>(List.of(n.id())));
            for (int in : n.inputs()) {
                if (group[in] >= 0 && group[in] != group[n.id()] && g.node(in).shape().equals(n.shape())) {
                    merge(g, group, members, group[in], group[n.id()]);
                }
            }
        }
        List<Unit> units = new ArrayList<>();
        for (TreeSet<Integer> m : members.values()) {
            if (m.size() >= 2) {
                m.forEach(id -> covered[id] = true);
                units.add(unit(g, m, kept));
            }
        }
        return units;
    }

    private static boolean fusable(Graph g, Node n) {
        var op = n.op();
        boolean unary = op instanceof Affine || op instanceof Sigmoid || op instanceof Tanh || op instanceof Relu || op instanceof dev.unfold.op.Step;
        boolean binary = op instanceof Add || op instanceof Mul;
        if (!(unary || binary) || n.shape().rank() == 0) {
            return false;
        }
        for (int in : n.inputs()) {
            Shape s = g.node(in).shape();
            if (!s.equals(n.shape()) && !(binary && NodeInstructions.isRow(s, n.shape()))) {
                return false;
            }
        }
        return true;
    }

    /** Merges group {@code b} into {@code a} unless some path leaves the union and comes back into it. */
    private static void merge(Graph g, int[] group, Map<Integer, TreeSet<Integer>> members, int a, int b) {
        TreeSet<Integer> union = new TreeSet<>(members.get(a));
        union.addAll(members.get(b));
        if (reentered(g, union)) {
            return;
        }
        members.get(b).forEach(id -> group[id] = a);
        members.get(a).addAll(members.remove(b));
    }

    /** Whether a consumer outside {@code union} reaches back into it; ids are topological, so the search stops past the last member. */
    private static boolean reentered(Graph g, TreeSet<Integer> union) {
        int last = union.last();
        Deque<Integer> work = new ArrayDeque<>();
        boolean[] seen = new boolean[last + 1];
        for (int id : union) {
            for (int c : g.consumers(id)) {
                if (c <= last && !union.contains(c) && !seen[c]) {
                    seen[c] = true;
                    work.push(c);
                }
            }
        }
        while (!work.isEmpty()) {
            for (int c : g.consumers(work.pop())) {
                if (c > last) {
                    continue;
                }
                if (union.contains(c)) {
                    return true;
                }
                if (!seen[c]) {
                    seen[c] = true;
                    work.push(c);
                }
            }
        }
        return false;
    }

    private static Unit unit(Graph g, TreeSet<Integer> group, boolean[] kept) {
        int[] order = group.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Integer> slot = new HashMap<>();
        for (int i = 0; i < order.length; i++) {
            slot.put(order[i], i);
        }
        List<Integer> writes = new ArrayList<>();
        TreeSet<Integer> reads = new TreeSet<>();
        Step[] steps = new Step[order.length];
        for (int i = 0; i < order.length; i++) {
            Node n = g.node(order[i]);
            boolean escapes = kept[n.id()] || g.consumers(n.id()).stream().anyMatch(c -> !group.contains(c));
            if (escapes) {
                writes.add(n.id());
            }
            int[] in = new int[n.inputs().size()];
            boolean[] inside = new boolean[in.length];
            boolean[] row = new boolean[in.length];
            for (int k = 0; k < in.length; k++) {
                int x = n.inputs().get(k);
                inside[k] = group.contains(x);
                in[k] = inside[k] ? slot.get(x) : x;
                row[k] = !g.node(x).shape().equals(n.shape());
                if (!inside[k]) {
                    reads.add(x);
                }
            }
            steps[i] = new Step(Kind.of(n), n.op() instanceof Affine a ? (float) a.scale() : 0f,
                    n.op() instanceof Affine a ? (float) a.shift() : 0f, in, inside, row, escapes ? n.id() : -1);
        }
        Shape shape = g.node(order[0]).shape();
        int cols = shape.dim(-1);
        int rows = shape.size() / cols;
        Instruction ins = new FusedPass(steps, rows, cols);
        return new Unit(order[0], order, writes.stream().mapToInt(Integer::intValue).toArray(),
                reads.stream().mapToInt(Integer::intValue).toArray(), ins, "fused element-wise");
    }

    private enum Kind {
        ADD, MUL, AFFINE, SIGMOID, TANH, RELU, STEP;

        static Kind of(Node n) {
            var op = n.op();
            if (op instanceof Add) {
                return ADD;
            } else if (op instanceof Mul) {
                return MUL;
            } else if (op instanceof Affine) {
                return AFFINE;
            } else if (op instanceof Sigmoid) {
                return SIGMOID;
            } else if (op instanceof Tanh) {
                return TANH;
            } else if (op instanceof Relu) {
                return RELU;
            }
            return STEP;
        }
    }

    /**
     * One operation of a group: its inputs are group slots ({@code inside}) or node ids read from their
     * buffers, whole ({@code row} false) or as a row repeated down the rows; {@code out} ≥ 0 when the
     * value is also stored in its node's buffer.
     */
    private record Step(Kind kind, float scale, float shift, int[] in, boolean[] inside, boolean[] row, int out) {
    }

    /** The group's pass: for each tile of each row, every step in order over the tile. */
    private static final class FusedPass implements Instruction {
        private final Step[] steps;
        private final int rows;
        private final int cols;
        private final float[][] tiles;
        private final float[][][] inputTiles;
        private final float[][] src = new float[2][];

        FusedPass(Step[] steps, int rows, int cols) {
            this.steps = steps;
            this.rows = rows;
            this.cols = cols;
            this.tiles = new float[steps.length][Math.min(TILE, cols)];
            this.inputTiles = new float[steps.length][2][Math.min(TILE, cols)];
        }

        @Override
        public void run(float[][] v) {
            for (int r = 0; r < rows; r++) {
                for (int c0 = 0; c0 < cols; c0 += TILE) {
                    int len = Math.min(TILE, cols - c0);
                    int base = r * cols + c0;
                    for (int s = 0; s < steps.length; s++) {
                        Step st = steps[s];
                        for (int k = 0; k < st.in.length; k++) {
                            if (st.inside[k]) {
                                src[k] = tiles[st.in[k]];
                            } else {
                                src[k] = inputTiles[s][k];
                                System.arraycopy(v[st.in[k]], st.row[k] ? c0 : base, src[k], 0, len);
                            }
                        }
                        float[] t = tiles[s];
                        apply(st, t, len);
                        if (st.out >= 0) {
                            System.arraycopy(t, 0, v[st.out], base, len);
                        }
                    }
                }
            }
        }

        /** Every operand tile starts at 0, so the loops line up index for index and vectorise. */
        private void apply(Step st, float[] t, int len) {
            float[] a = src[0];
            switch (st.kind) {
                case ADD -> {
                    float[] b = src[1];
                    for (int i = 0; i < len; i++) {
                        t[i] = a[i] + b[i];
                    }
                }
                case MUL -> {
                    float[] b = src[1];
                    for (int i = 0; i < len; i++) {
                        t[i] = a[i] * b[i];
                    }
                }
                case AFFINE -> {
                    float scale = st.scale;
                    float shift = st.shift;
                    for (int i = 0; i < len; i++) {
                        t[i] = scale * a[i] + shift;
                    }
                }
                case SIGMOID -> Activations.sigmoid(a, t, len);
                case TANH -> Activations.tanh(a, t, len);
                case RELU -> {
                    for (int i = 0; i < len; i++) {
                        t[i] = a[i] > 0 ? a[i] : 0f;
                    }
                }
                case STEP -> {
                    for (int i = 0; i < len; i++) {
                        t[i] = a[i] > 0 ? 1f : 0f;
                    }
                }
                default -> throw new IllegalStateException("not an element-wise operation: " + st.kind);
            }
        }
    }
}
