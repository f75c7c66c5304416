package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.LstmGates;
import dev.unfold.op.Add;
import dev.unfold.op.Mul;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.Tanh;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * An LSTM step's element-wise work after its pre-activations z, as {@code LstmCell} builds it: the four slices of z,
 * {@code i = σ(z_i)}, {@code f = σ(z_f)}, {@code g = tanh(z_g)}, {@code o = σ(z_o)}, {@code c′ = f ⊙ c + i ⊙ g} and
 * {@code h′ = o ⊙ tanh(c′)}, run as one call of an {@link LstmGates} kernel instead of eleven passes. The unit writes
 * c′ and h′, and the gates and tanh c′ when something else reads them (the backward pass does). When z is a
 * {@link BiasedSums.Sum} read by the step alone, the kernel makes z on the way ({@link LstmGates#stepOfSum}) and z is
 * never stored: a write and a read of {@code rows × 4H} floats less, and each bias read as one row.
 */
final class LstmGateUnits {
    static final String KIND = "lstm gates";

    private LstmGateUnits() {
    }

    /** The steps' units, and the sums and gathers of table rows they took in, whose own units are not made. */
    record Steps(List<Unit> units, Set<BiasedSums.Sum> sums, Set<Unit> gathers) {
    }

    /**
     * Finds such steps among the values not yet covered and marks what they cover. A step takes in z's sum from
     * {@code sums} when the step alone reads z, and then the unit of {@code gathers} (by the value it writes) that picks
     * the sum's rows from a projected table when the sum alone reads them.
     */
    static Steps steps(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, LstmGates kernel, List<BiasedSums.Sum> sums,
            Map<Integer, Unit> gathers) {
        Map<Integer, BiasedSums.Sum> byZ = new HashMap<>();
        sums.forEach(s -> byZ.put(s.z(), s));
        List<Unit> units = new ArrayList<>();
        Set<BiasedSums.Sum> takenSums = new HashSet<>();
        Set<Unit> takenGathers = new HashSet<>();
        for (Node n : g.nodes()) {
            Match m = needed[n.id()] && !covered[n.id()] ? match(g, n, kept) : null;
            if (m != null) {
                int[] all = m.covers();
                if (IntStream.of(all).allMatch(id -> needed[id] && !covered[id]) && IntStream.of(all).noneMatch(id -> id == m.c() || id == m.z())) {
                    IntStream.of(all).forEach(id -> covered[id] = true);
                    BiasedSums.Sum sum = byZ.get(m.z());
                    boolean takesSum = sum != null && !m.readOutside(g, m.z(), kept);
                    Unit gather = takesSum ? gathers.get(sum.a()) : null;
                    boolean takesGather = gather != null && !kept[sum.a()] && g.consumers(sum.a()).equals(List.of(sum.z()))
                            && ((ProjectedTable.Rows) gather.instruction()).rows() == m.rows();
                    if (takesSum) {
                        takenSums.add(sum);
                    }
                    if (takesGather) {
                        takenGathers.add(gather);
                    }
                    units.add(m.unit(g, kept, kernel, takesSum ? sum : null, takesGather ? gather : null));
                }
            }
        }
        return new Steps(units, takenSums, takenGathers);
    }

    /** The nodes of one step: the slices s and gates of z in PyTorch's order i, f, g, o, c, the products, c′, tanh c′, h′. */
    private record Match(int z, int rows, int hidden, int[] slices, int[] gates, int c, int fc, int ig, int next, int tanh, int h) {
        int[] covers() {
            return IntStream.concat(IntStream.concat(IntStream.of(slices), IntStream.of(gates)), IntStream.of(fc, ig, next, tanh, h)).toArray();
        }

        /**
         * The step's unit; with {@code sum}, z made on the way from the sum's operands and not stored; with {@code gather}
         * too, the sum's first operand read as rows of the projected table where they are.
         */
        Unit unit(Graph g, boolean[] kept, LstmGates kernel, BiasedSums.Sum sum, Unit gather) {
            boolean gatesRead = IntStream.of(gates).anyMatch(id -> readOutside(g, id, kept));
            boolean tanhRead = readOutside(g, tanh, kept);
            List<Integer> writes = new ArrayList<>(List.of(next, h));
            if (gatesRead) {
                IntStream.of(gates).forEach(writes::add);
            }
            if (tanhRead) {
                writes.add(tanh);
            }
            int[] w = writes.stream().mapToInt(Integer::intValue).toArray();
            if (sum == null) {
                int[] reads = IntStream.of(z, c).distinct().toArray();
                return new Unit(slices[0], covers(), w, reads, given(kernel, gatesRead, tanhRead), KIND);
            }
            IntStream sumReads = gather == null ? IntStream.of(sum.reads()) : IntStream.concat(IntStream.of(sum.reads()).filter(id -> id != sum.a()),
                    IntStream.of(gather.reads()));
            int[] reads = IntStream.concat(sumReads, IntStream.of(c)).distinct().toArray();
            IntStream sumCovers = IntStream.concat(IntStream.of(covers()), IntStream.of(sum.covers()));
            int[] all = (gather == null ? sumCovers : IntStream.concat(sumCovers, IntStream.of(gather.covers()))).toArray();
            Instruction ins = ofSum(kernel, sum, gather == null ? null : (ProjectedTable.Rows) gather.instruction(), gatesRead, tanhRead);
            return new Unit(slices[0], all, w, reads, ins, KIND);
        }

        private Instruction given(LstmGates kernel, boolean gatesRead, boolean tanhRead) {
            int zi = z;
            int ci = c;
            int[] gi = gates;
            int ni = next;
            int ti = tanh;
            int hi = h;
            int r = rows;
            int hid = hidden;
            return gatesRead
                    ? v -> kernel.step(r, hid, v[zi], v[ci], v[gi[0]], v[gi[1]], v[gi[2]], v[gi[3]], v[ni], tanhRead ? v[ti] : null, v[hi])
                    : v -> kernel.step(r, hid, v[zi], v[ci], null, null, null, null, v[ni], tanhRead ? v[ti] : null, v[hi]);
        }

        /** {@code z = (a + b_a) + (y + b_y)} made on the way, {@code a} as stored or as rows picked from the projected table. */
        private Instruction ofSum(LstmGates kernel, BiasedSums.Sum sum, ProjectedTable.Rows table, boolean gatesRead, boolean tanhRead) {
            int a = sum.a();
            int ba = sum.aBias();
            int y = sum.y();
            int by = sum.yBias();
            int ci = c;
            int[] gi = gates;
            int ni = next;
            int ti = tanh;
            int hi = h;
            int r = rows;
            int hid = hidden;
            int[] rowsOf = table == null ? null : new int[r];
            return v -> kernel.stepOfSum(r, hid, table == null ? v[a] : table.tableOf(v), table == null ? null : table.picked(v, rowsOf),
                    ba < 0 ? null : v[ba], v[y], v[by], v[ci], gatesRead ? v[gi[0]] : null, gatesRead ? v[gi[1]] : null,
                    gatesRead ? v[gi[2]] : null, gatesRead ? v[gi[3]] : null, v[ni], tanhRead ? v[ti] : null, v[hi]);
        }

        /** Read by a node outside the step, or kept. */
        private boolean readOutside(Graph g, int id, boolean[] kept) {
            int[] inside = covers();
            return kept[id] || g.consumers(id).stream().anyMatch(u -> IntStream.of(inside).noneMatch(x -> x == u));
        }
    }

    /** The step whose c′ is {@code next}, or null. */
    private static Match match(Graph g, Node next, boolean[] kept) {
        if (!(next.op() instanceof Add) || next.shape().rank() != 2) {
            return null;
        }
        Node a = product(g, g.node(next.inputs().get(0)), next, kept);
        Node b = product(g, g.node(next.inputs().get(1)), next, kept);
        if (a == null || b == null || a.id() == b.id()) {
            return null;
        }
        int hidden = next.shape().dim(1);
        for (Node[] pair : new Node[][] {{a, b}, {b, a}}) {
            Node ig = pair[0];
            Node fc = pair[1];
            int[] iAndG = inputAndCandidate(g, ig, hidden, kept);
            if (iAndG == null) {
                continue;
            }
            int z = sliced(g, iAndG[0]);
            for (int k = 0; k < 2; k++) {
                int f = fc.inputs().get(k);
                int c = fc.inputs().get(1 - k);
                Node fNode = g.node(f);
                if (gate(g, fNode, Sigmoid.class, z, hidden, 1, kept) && g.node(c).shape().equals(next.shape())) {
                    Match m = withOutput(g, next, z, hidden, iAndG, f, c, fc.id(), ig.id(), kept);
                    if (m != null) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    /** The step completed by {@code h′ = o ⊙ tanh(c′)} among c′'s readers, or null. */
    private static Match withOutput(Graph g, Node next, int z, int hidden, int[] iAndG, int f, int c, int fc, int ig, boolean[] kept) {
        for (int t : g.consumers(next.id())) {
            Node tanh = g.node(t);
            if (!(tanh.op() instanceof Tanh) || !tanh.shape().equals(next.shape())) {
                continue;
            }
            for (int u : g.consumers(t)) {
                Node h = g.node(u);
                if (!(h.op() instanceof Mul) || !h.shape().equals(next.shape()) || h.inputs().get(0).intValue() == h.inputs().get(1).intValue()) {
                    continue;
                }
                int o = h.inputs().get(0) == t ? h.inputs().get(1) : h.inputs().get(0);
                if (gate(g, g.node(o), Sigmoid.class, z, hidden, 3, kept)) {
                    int[] gates = {iAndG[0], f, iAndG[1], o};
                    int[] slices = IntStream.of(gates).map(x -> g.node(x).inputs().get(0)).toArray();
                    return new Match(z, next.shape().dim(0), hidden, slices, gates, c, fc, ig, next.id(), t, u);
                }
            }
        }
        return null;
    }

    /** The operands of {@code ig} as {σ(z_i), tanh(z_g)} of one z, in that order, or null. */
    private static int[] inputAndCandidate(Graph g, Node ig, int hidden, boolean[] kept) {
        for (int k = 0; k < 2; k++) {
            Node i = g.node(ig.inputs().get(k));
            Node gg = g.node(ig.inputs().get(1 - k));
            if (gate(g, i, Sigmoid.class, -1, hidden, 0, kept)) {
                if (gate(g, gg, Tanh.class, sliced(g, i.id()), hidden, 2, kept)) {
                    return new int[] {i.id(), gg.id()};
                }
            }
        }
        return null;
    }

    /** The z whose slice the activation {@code act} reads. */
    private static int sliced(Graph g, int act) {
        return g.node(g.node(act).inputs().get(0)).inputs().get(0);
    }

    /**
     * {@code act(slice)} of block {@code block} of a rank-2 z of 4H columns ({@code z} that one, or any when -1), the slice
     * read by the activation alone and not kept.
     */
    private static boolean gate(Graph g, Node act, Class<?> kind, int z, int hidden, int block, boolean[] kept) {
        if (!kind.isInstance(act.op()) || act.inputs().size() != 1) {
            return false;
        }
        Node s = g.node(act.inputs().get(0));
        if (!(s.op() instanceof Slice slice) || kept[s.id()] || g.consumers(s.id()).size() != 1) {
            return false;
        }
        Node zn = g.node(s.inputs().get(0));
        return (z < 0 || zn.id() == z) && zn.shape().rank() == 2 && zn.shape().dim(1) == 4 * hidden && slice.axis() == 1
                && slice.start() == block * hidden && slice.end() == (block + 1) * hidden && act.shape().dim(1) == hidden;
    }

    /** An element-wise product read by c′ alone, not kept, its operands of c′'s shape. */
    private static Node product(Graph g, Node p, Node next, boolean[] kept) {
        boolean ok = p.op() instanceof Mul && !kept[p.id()] && g.consumers(p.id()).size() == 1 && p.shape().equals(next.shape())
                && p.inputs().stream().allMatch(i -> g.node(i).shape().equals(next.shape()));
        return ok ? p : null;
    }
}
