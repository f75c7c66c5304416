package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.RowBlocks;
import dev.unfold.op.Add;
import dev.unfold.op.MatMul;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
    /** Default largest stacked operand, in floats (4 MiB): bigger groups run as several GEMMs over chunks of steps. */
    static final int MAX_STACK = 1 << 20;
    /** The kind of the units that gather rows of a projected embedding table. */
    static final String PROJECTED = "MatMul, embedding projected";

    private MatMulGroups() {
    }

    /** Finds accumulations, marks what they cover, and returns each one's units. */
    static List<List<Unit>> accumulations(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, int maxStack) {
        List<List<Unit>> units = new ArrayList<>();
        forEachSum(g, needed, kept, covered, sum -> {
            List<Integer> leaves = sum.leaves();
            if (leaves.size() >= 2 && leaves.stream().allMatch(l -> isStackableProduct(g, l, kept)) && sameShapes(g, leaves)) {
                for (int c : concat(sum.inner(), leaves)) {
                    covered[c] = true;
                }
                units.add(accumulationUnits(g, sum.root(), leaves, maxStack));
            }
        });
        return units;
    }

    /** A sum the VJP's fan-out accumulation built: its root, its inner adds (the root among them) and the terms it adds. */
    record Sum(Node root, List<Integer> inner, List<Integer> leaves) {
        /** Whether it adds two terms or more, none twice: what the rewrites of whole sums take. */
        boolean ofDistinctTerms() {
            return leaves.size() >= 2 && leaves.stream().distinct().count() == leaves.size();
        }
    }

    /**
     * Each sum rooted at a needed add that no other add absorbs, in the graph's order, unless a rewrite has covered its
     * root by the time it comes (a rewrite taking one sum may take another as a term).
     */
    static void forEachSum(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, java.util.function.Consumer<Sum> take) {
        for (Node n : g.nodes()) {
            if (!needed[n.id()] || covered[n.id()] || !(n.op() instanceof Add) || absorbable(g, n, kept)) {
                continue;
            }
            List<Integer> inner = new ArrayList<>();
            List<Integer> leaves = new ArrayList<>();
            flatten(g, n.id(), kept, inner, leaves, true);
            take.accept(new Sum(n, inner, leaves));
        }
    }

    /** Finds hoistable groups among the products not yet covered, marks them, and returns each one's units. */
    static List<List<Unit>> hoisted(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, int maxStack, Map<Integer, Gemm.OperandCache> caches,
            BufferPool scratch) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (needed[n.id()] && !covered[n.id()] && n.op() instanceof MatMul mm && mm.opA() == Gemm.Op.N) {
                String key = mm.opB() + ":" + n.inputs().get(1) + ":" + g.node(n.inputs().get(0)).shape();
                byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(n.id());
            }
        }
        List<List<Unit>> units = new ArrayList<>();
        for (List<Integer> members : byKey.values()) {
            if (members.size() >= 2 && independent(g, members)) {
                for (int m : members) {
                    covered[m] = true;
                }
                if (OneHotRows.applies(g, members)) {
                    OneHotRows.absorbed(g, members, kept).forEach(o -> covered[o] = true);
                }
                int[] biased = gathersOfOneTable(g, members) ? biasedProjections(g, members, kept) : null;
                if (biased != null) {
                    for (int a : biased) {
                        covered[a] = true;
                    }
                }
                units.add(hoistedUnits(g, members, maxStack, caches, scratch, biased));
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

    /**
     * The sum's products as GEMMs over stacked chunks of steps, one unit per chunk: the chunks in the order their
     * operands are made (by node id, the order the schedule follows), the first writing the sum and each after it
     * adding its chunk in place, so that a chunk's operands (the gate gradients of its steps) are free as soon as
     * it ran, not when the whole backward pass has.
     */
    private static List<Unit> accumulationUnits(Graph g, Node sum, List<Integer> leaves, int maxStack) {
        int p = sum.shape().dim(0);
        int q = sum.shape().dim(1);
        int rows = g.node(g.node(leaves.get(0)).inputs().get(0)).shape().dim(0);
        int chunk = Math.max(1, Math.min(leaves.size(), maxStack / (rows * Math.max(p, q))));
        List<Integer> ordered = new ArrayList<>(leaves);
        ordered.sort(Comparator.comparingInt(l -> Math.max(g.node(l).inputs().get(0), g.node(l).inputs().get(1))));
        List<Unit> units = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += chunk) {
            units.add(accumulationUnit(g, ordered.subList(from, Math.min(ordered.size(), from + chunk)), from > 0, sum.id(), p, q, rows));
        }
        return units;
    }

    /** {@code sum = Σ G_tᵀ X_t} over {@code chunk}, or with {@code update} {@code sum += Σ G_tᵀ X_t}. */
    private static Unit accumulationUnit(Graph g, List<Integer> chunk, boolean update, int sum, int p, int q, int rows) {
        int count = chunk.size();
        int[] gs = chunk.stream().mapToInt(l -> g.node(l).inputs().get(0)).toArray();
        int[] xs = chunk.stream().mapToInt(l -> g.node(l).inputs().get(1)).toArray();
        Instruction ins = v -> Gemm.mm(blocks(v, gs, rows * p), Gemm.Op.T, blocks(v, xs, rows * q), Gemm.Op.N, v[sum], p, q, count * rows, update);
        List<Integer> reads = new ArrayList<>(toList(gs));
        reads.addAll(toList(xs));
        if (update) {
            reads.add(sum);
        }
        int ready = Math.max(Arrays.stream(gs).max().getAsInt(), Arrays.stream(xs).max().getAsInt());
        return new Unit(ready, chunk.stream().mapToInt(Integer::intValue).toArray(), new int[] {sum},
                reads.stream().mapToInt(Integer::intValue).distinct().toArray(), ins, "MatMul, accumulated");
    }

    /**
     * One GEMM over each chunk of the stacked {@code A_t}, a unit per chunk, the members in the order their
     * operands are made: a chunk runs (and its operands are free) as soon as they are there, not when every
     * member's are (in the backward pass, the gate gradients of the steps before).
     */
    private static List<Unit> hoistedUnits(Graph g, List<Integer> members, int maxStack, Map<Integer, Gemm.OperandCache> caches, BufferPool scratch,
            int[] biased) {
        Node first = g.node(members.get(0));
        MatMul mm = (MatMul) first.op();
        int w = first.inputs().get(1);
        int r = g.node(first.inputs().get(0)).shape().dim(0);
        int k = g.node(first.inputs().get(0)).shape().dim(1);
        int n = first.shape().dim(1);
        if (gathersOfOneTable(g, members)) {
            return projectedTableUnits(g, members, caches, biased);
        }
        int chunk = Math.max(1, Math.min(members.size(), maxStack / (r * Math.max(k, n))));
        if (OneHotRows.applies(g, members)) {
            return OneHotRows.units(g, members, chunk, scratch);
        }
        boolean parameter = g.node(w).is(dev.unfold.op.Leaf.Kind.PARAMETER);
        Gemm.OperandCache cache = parameter ? caches.computeIfAbsent(w, id -> new Gemm.OperandCache()) : null;
        List<Integer> ordered = new ArrayList<>(members);
        ordered.sort(Comparator.comparingInt(m -> g.node(m).inputs().get(0)));
        List<Unit> units = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += chunk) {
            List<Integer> part = ordered.subList(from, Math.min(ordered.size(), from + chunk));
            units.add(hoistedUnit(g, part, mm, w, r, k, n, cache, scratch));
        }
        return units;
    }

    private static Unit hoistedUnit(Graph g, List<Integer> part, MatMul mm, int w, int r, int k, int n, Gemm.OperandCache cache, BufferPool scratch) {
        int count = part.size();
        int[] as = part.stream().mapToInt(m -> g.node(m).inputs().get(0)).toArray();
        int[] outs = part.stream().mapToInt(Integer::intValue).toArray();
        Instruction ins = cache != null
                ? v -> Gemm.mmImmutableB(cache, blocks(v, as, r * k), v[w], mm.opB(), blocks(v, outs, r * n), count * r, n, k)
                : v -> {
                    float[] stackedA = scratch.scratch(0, count * r * k);
                    float[] stackedOut = scratch.scratch(1, count * r * n);
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(v[as[i]], 0, stackedA, i * r * k, r * k);
                    }
                    Gemm.mm(stackedA, Gemm.Op.N, v[w], mm.opB(), stackedOut, count * r, n, k, false);
                    for (int i = 0; i < count; i++) {
                        System.arraycopy(stackedOut, i * r * n, v[outs[i]], 0, r * n);
                    }
                };
        List<Integer> reads = new ArrayList<>(toList(as));
        reads.add(w);
        return new Unit(Arrays.stream(outs).min().getAsInt(), outs.clone(), outs, reads.stream().mapToInt(Integer::intValue).distinct().toArray(), ins, "MatMul, hoisted");
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
     * The bias adds {@code Gather(E, idx_t) · op(W) + b} of every member, when each member is read by such an add
     * alone, all with one parameter row {@code b}, and no member is kept; else null. The bias then goes into the
     * projected table once, {@code (E · op(W))[v] + b}: each element the same sum of the same two floats.
     */
    private static int[] biasedProjections(Graph g, List<Integer> members, boolean[] kept) {
        int[] adds = new int[members.size()];
        Integer bias = null;
        for (int i = 0; i < adds.length; i++) {
            int m = members.get(i);
            List<Integer> users = g.consumers(m);
            if (kept[m] || users.size() != 1) {
                return null;
            }
            Node add = g.node(users.get(0));
            if (!(add.op() instanceof Add) || add.inputs().get(0) != m || add.inputs().get(1) == m || !add.shape().equals(g.node(m).shape())
                    || !ElementwiseLowerings.isBias(g.node(add.inputs().get(1)), add.shape()) || (bias != null && !bias.equals(add.inputs().get(1)))) {
                return null;
            }
            bias = add.inputs().get(1);
            adds[i] = add.id();
        }
        return adds;
    }

    /**
     * {@code Gather(E, idx_t) · op(W)} for all steps as {@code Gather(E · op(W), idx_t)}, with {@code biased} the bias
     * added too ({@link #biasedProjections}): the table is projected (V rows instead of B·T) when a step first needs it
     * after {@code E}, {@code W} or the bias took a new array (once per update in training, once in all in inference),
     * and each step's rows are picked from it by a unit of its own, scheduled with the step, so that a step's input
     * rows are made just before they are read.
     */
    private static List<Unit> projectedTableUnits(Graph g, List<Integer> members, Map<Integer, Gemm.OperandCache> caches, int[] biased) {
        Node first = g.node(members.get(0));
        int w = first.inputs().get(1);
        int table = g.node(first.inputs().get(0)).inputs().get(0);
        int bias = biased == null ? -1 : g.node(biased[0]).inputs().get(1);
        int rows = first.shape().dim(0);
        int n = first.shape().dim(1);
        ProjectedTable projection = new ProjectedTable(caches.computeIfAbsent(w, id -> new Gemm.OperandCache()), ((MatMul) first.op()).opB(),
                g.node(table).shape().dim(0), n, g.node(table).shape().dim(1));
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            int member = members.get(i);
            int out = biased == null ? member : biased[i];
            int idx = g.node(g.node(member).inputs().get(0)).inputs().get(1);
            ProjectedTable.Rows ins = new ProjectedTable.Rows(projection, table, w, bias, idx, out, rows);
            int[] covers = biased == null ? new int[] {member} : new int[] {member, out};
            units.add(new Unit(out, covers, new int[] {out}, ins.reads(), ins, PROJECTED));
        }
        return units;
    }

    /** The values {@code ids} as the blocks of one operand, {@code length} floats each. */
    private static RowBlocks blocks(float[][] v, int[] ids, int length) {
        float[][] blocks = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            blocks[i] = v[ids[i]];
        }
        return new RowBlocks(blocks, length);
    }

    private static List<Integer> toList(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    static int[] concat(List<Integer> a, List<Integer> b) {
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
