package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.op.Add;
import dev.unfold.op.MatMul;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two rewrites that turn the many small products of an unfolded graph into a few large ones.
 * <ul>
 * <li><b>Hoisting</b>: products {@code A_t · op(W)} with the same weight node and no dependence between
 * them (the input projections of all steps, or the input gradients) become one GEMM over the stacked
 * {@code A_t}.
 * <li><b>Accumulation</b>: a sum, built by the VJP's fan-out accumulation, of products
 * {@code G_tᵀ X_t} (the per-step contributions to a weight gradient) becomes one GEMM
 * {@code [G_0; …; G_T]ᵀ [X_0; …; X_T]}.
 * </ul>
 * Both compute the same sums as the plain graph, in a different order of additions.
 */
final class MatMulGroups {
    /** Default largest stacked operand, in floats (8 MiB): bigger groups run as several GEMMs over chunks of steps. */
    static final int MAX_STACK = 2 << 20;

    private MatMulGroups() {
    }

    /** Finds accumulations, marks what they cover, and returns their units. */
    static List<Unit> accumulations(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, int maxStack, BufferPool scratch) {
        List<Unit> units = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || !(n.op() instanceof Add) || absorbable(g, n, kept)) {
                continue;
            }
            List<Integer> inner = new ArrayList<>();
            List<Integer> leaves = new ArrayList<>();
            flatten(g, n.id(), kept, inner, leaves, true);
            if (leaves.size() < 2 || !leaves.stream().allMatch(l -> isStackableProduct(g, l, kept))
                    || !sameShapes(g, leaves)) {
                continue;
            }
            int[] covers = concat(inner, leaves);
            for (int c : covers) {
                covered[c] = true;
            }
            units.add(accumulationUnit(g, n, leaves, covers, maxStack, scratch));
        }
        return units;
    }

    /** Finds hoistable groups among the products not yet covered, marks them, and returns their units. */
    static List<Unit> hoisted(Graph g, boolean[] needed, boolean[] covered, int maxStack, Map<Integer, Gemm.OperandCache> caches, BufferPool scratch) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (needed[n.id()] && !covered[n.id()] && n.op() instanceof MatMul mm && mm.opA() == Gemm.Op.N) {
                String key = mm.opB() + ":" + n.inputs().get(1) + ":" + g.node(n.inputs().get(0)).shape();
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(n.id());
            }
        }
        List<Unit> units = new ArrayList<>();
        for (List<Integer> members : byKey.values()) {
            if (members.size() >= 2 && independent(g, members)) {
                for (int m : members) {
                    covered[m] = true;
                }
                units.add(hoistedUnit(g, members, maxStack, caches, scratch));
            }
        }
        return units;
    }

    /** An add read only by another add, and not kept: an inner node of a sum. */
    static boolean absorbable(Graph g, Node n, boolean[] kept) {
        List<Integer> users = g.consumers(n.id());
        return n.op() instanceof Add && !kept[n.id()] && users.size() == 1 && g.node(users.get(0)).op() instanceof Add;
    }

    /** The sum rooted at {@code id}: its inner adds (the root among them) and the terms it adds. */
    static void flatten(Graph g, int id, boolean[] kept, List<Integer> inner, List<Integer> leaves, boolean root) {
        Node n = g.node(id);
        if (root || (n.op() instanceof Add && absorbable(g, n, kept) && n.shape().equals(g.node(n.inputs().get(0)).shape())
                && n.shape().equals(g.node(n.inputs().get(1)).shape()))) {
            inner.add(id);
            for (int in : n.inputs()) {
                flatten(g, in, kept, inner, leaves, false);
            }
        } else {
            leaves.add(id);
        }
    }

    /** A product {@code Gᵀ X} used only by the sum; all the sum's products have operands of one shape. */
    private static boolean isStackableProduct(Graph g, int id, boolean[] kept) {
        Node n = g.node(id);
        return n.op() instanceof MatMul mm && mm.opA() == Gemm.Op.T && mm.opB() == Gemm.Op.N && !kept[id]
                && g.consumers(id).size() == 1 && n.inputs().get(0).intValue() != n.inputs().get(1).intValue();
    }

    private static boolean sameShapes(Graph g, List<Integer> leaves) {
        Node first = g.node(leaves.get(0));
        return leaves.stream().map(g::node).allMatch(l -> l.shape().equals(first.shape())
                && g.node(l.inputs().get(0)).shape().equals(g.node(first.inputs().get(0)).shape())
                && g.node(l.inputs().get(1)).shape().equals(g.node(first.inputs().get(1)).shape()));
    }

    /** No member depends on another: descendants of members are marked in one pass in topological order. */
    private static boolean independent(Graph g, List<Integer> members) {
        int first = members.get(0);
        int last = members.get(members.size() - 1);
        boolean[] isMember = new boolean[g.size()];
        members.forEach(m -> isMember[m] = true);
        boolean[] reached = new boolean[g.size()];
        for (int id = first; id <= last; id++) {
            for (int in : g.node(id).inputs()) {
                if (isMember[in] || reached[in]) {
                    if (isMember[id]) {
                        return false;
                    }
                    reached[id] = true;
                }
            }
        }
        return true;
    }

    private static Unit accumulationUnit(Graph g, Node sum, List<Integer> leaves, int[] covers, int maxStack, BufferPool scratch) {
        int p = sum.shape().dim(0);
        int q = sum.shape().dim(1);
        int rows = g.node(g.node(leaves.get(0)).inputs().get(0)).shape().dim(0);
        int chunk = Math.max(1, Math.min(leaves.size(), maxStack / (rows * Math.max(p, q))));
        int[] gs = leaves.stream().mapToInt(l -> g.node(l).inputs().get(0)).toArray();
        int[] xs = leaves.stream().mapToInt(l -> g.node(l).inputs().get(1)).toArray();
        int out = sum.id();
        Instruction ins = v -> {
            float[] stackedG = scratch.scratch(0, chunk * rows * p);
            float[] stackedX = scratch.scratch(1, chunk * rows * q);
            for (int first = 0; first < gs.length; first += chunk) {
                int count = Math.min(chunk, gs.length - first);
                for (int i = 0; i < count; i++) {
                    System.arraycopy(v[gs[first + i]], 0, stackedG, i * rows * p, rows * p);
                    System.arraycopy(v[xs[first + i]], 0, stackedX, i * rows * q, rows * q);
                }
                Gemm.mm(stackedG, Gemm.Op.T, stackedX, Gemm.Op.N, v[out], p, q, count * rows, first > 0);
            }
        };
        int[] reads = Arrays.stream(concat(toList(gs), toList(xs))).distinct().toArray();
        return new Unit(sum.id(), covers, new int[] {out}, reads, ins, "MatMul, accumulated");
    }

    private static Unit hoistedUnit(Graph g, List<Integer> members, int maxStack, Map<Integer, Gemm.OperandCache> caches, BufferPool scratch) {
        Node first = g.node(members.get(0));
        if (gathersOfOneTable(g, members)) {
            return projectedTableUnit(g, members, caches);
        }
        MatMul mm = (MatMul) first.op();
        int w = first.inputs().get(1);
        int r = g.node(first.inputs().get(0)).shape().dim(0);
        int k = g.node(first.inputs().get(0)).shape().dim(1);
        int n = first.shape().dim(1);
        int count = members.size();
        int chunk = Math.max(1, Math.min(count, maxStack / (r * Math.max(k, n))));
        int[] as = members.stream().mapToInt(m -> g.node(m).inputs().get(0)).toArray();
        int[] outs = members.stream().mapToInt(Integer::intValue).toArray();
        boolean parameter = g.node(w).is(dev.unfold.op.Leaf.Kind.PARAMETER);
        Gemm.OperandCache cache = parameter ? caches.computeIfAbsent(w, id -> new Gemm.OperandCache()) : null;
        if (cache != null) {
            cache.addProduct(mm.opB());
        }
        Instruction ins = v -> {
            float[] stackedA = scratch.scratch(0, chunk * r * k);
            float[] stackedOut = scratch.scratch(1, chunk * r * n);
            for (int from = 0; from < count; from += chunk) {
                int c = Math.min(chunk, count - from);
                for (int i = 0; i < c; i++) {
                    System.arraycopy(v[as[from + i]], 0, stackedA, i * r * k, r * k);
                }
                if (parameter) {
                    Gemm.mmImmutableB(cache, stackedA, Gemm.Op.N, v[w], mm.opB(), stackedOut, c * r, n, k);
                } else {
                    Gemm.mm(stackedA, Gemm.Op.N, v[w], mm.opB(), stackedOut, c * r, n, k, false);
                }
                for (int i = 0; i < c; i++) {
                    System.arraycopy(stackedOut, i * r * n, v[outs[from + i]], 0, r * n);
                }
            }
        };
        List<Integer> reads = new ArrayList<>(toList(as));
        reads.add(w);
        return new Unit(members.get(0), outs.clone(), outs, reads.stream().mapToInt(Integer::intValue).distinct().toArray(), ins, "MatMul, hoisted");
    }

    /** Every member reads rows of one parameter table (an embedding) and multiplies by a parameter. */
    private static boolean gathersOfOneTable(Graph g, List<Integer> members) {
        int w = g.node(members.get(0)).inputs().get(1);
        if (!g.node(w).is(dev.unfold.op.Leaf.Kind.PARAMETER)) {
            return false;
        }
        Integer table = null;
        for (int m : members) {
            Node a = g.node(g.node(m).inputs().get(0));
            if (!(a.op() instanceof dev.unfold.op.Gather)) {
                return false;
            }
            int t = a.inputs().get(0);
            if (!g.node(t).is(dev.unfold.op.Leaf.Kind.PARAMETER) || (table != null && table != t)) {
                return false;
            }
            table = t;
        }
        return true;
    }

    /**
     * {@code Gather(E, idx_t) · op(W)} for all steps as {@code Gather(E · op(W), idx_t)}: the table is
     * projected once per run (V rows instead of B·T), then each step's rows are picked from it.
     */
    private static Unit projectedTableUnit(Graph g, List<Integer> members, Map<Integer, Gemm.OperandCache> caches) {
        Node first = g.node(members.get(0));
        MatMul mm = (MatMul) first.op();
        int w = first.inputs().get(1);
        int table = g.node(first.inputs().get(0)).inputs().get(0);
        int vocabulary = g.node(table).shape().dim(0);
        int k = g.node(table).shape().dim(1);
        int n = first.shape().dim(1);
        int rows = first.shape().dim(0);
        int[] idxs = members.stream().mapToInt(m -> g.node(g.node(m).inputs().get(0)).inputs().get(1)).toArray();
        int[] outs = members.stream().mapToInt(Integer::intValue).toArray();
        float[] projected = new float[vocabulary * n];
        Gemm.OperandCache cache = caches.computeIfAbsent(w, id -> new Gemm.OperandCache());
        cache.addProduct(mm.opB());
        Instruction ins = v -> {
            Gemm.mmImmutableB(cache, v[table], Gemm.Op.N, v[w], mm.opB(), projected, vocabulary, n, k);
            for (int i = 0; i < outs.length; i++) {
                float[] idx = v[idxs[i]];
                float[] out = v[outs[i]];
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(projected, LookupLowerings.index(idx[r], vocabulary) * n, out, r * n, n);
                }
            }
        };
        List<Integer> reads = new ArrayList<>(toList(idxs));
        reads.add(table);
        reads.add(w);
        return new Unit(members.get(0), outs.clone(), outs, reads.stream().mapToInt(Integer::intValue).distinct().toArray(), ins,
                "MatMul, embedding projected");
    }

    private static List<Integer> toList(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static int[] concat(List<Integer> a, List<Integer> b) {
        int[] out = new int[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = a.get(i);
        }
        for (int i = 0; i < b.size(); i++) {
            out[a.size() + i] = b.get(i);
        }
        return out;
    }
}
