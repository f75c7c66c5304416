package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.op.Add;
import dev.unfold.op.Gather;
import dev.unfold.op.MatMul;
import dev.unfold.op.ScatterAdd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two gradients of an embedded input {@code x_t = E[i_t]} read through a product ({@code x_t · op(W)}, gate
 * gradients {@code G_t} coming back), summed over a window's steps:
 * <ul>
 * <li>the weight's, {@code Σ_t G_tᵀ E[i_t]}, and
 * <li>the table's, {@code Σ_t scatter(G_t · W', i_t)} (W' the product's other factor).
 * </ul>
 * Both are products of one matrix {@code S = Σ_t scatter(G_t, i_t)}, the gate gradients summed per token (V rows):
 * {@code Sᵀ E} and {@code S · W'}. Where the vocabulary is smaller than the window's rows, summing the rows first
 * and multiplying V rows instead of B·T is the same sum in another order, at a fraction of the arithmetic (the
 * character models: 65 tokens against 1,024 rows or more). S is made step by step as each {@code G_t} is ready,
 * so no gate gradient is held longer than before.
 */
final class TokenSums {
    static final String SCATTER = "scatter, summed by token";
    static final String PRODUCT = "MatMul, summed by token";

    private TokenSums() {
    }

    /** One sum the rewrite takes: its nodes, its (G_t, i_t) pairs, and the factor S is multiplied by. */
    private record Taken(int sum, List<Integer> covered, long[] pairs, int factor, boolean weight, Gemm.Op opFactor, int width) {
    }

    /** S's shape and the pairs it sums: the sums that share it are computed from one S. */
    private record Key(int vocabulary, int depth, List<Long> pairs) {
    }

    /** Finds such sums, marks what they cover, and returns the units of each S and its products. */
    static List<Unit> sums(Graph g, boolean[] needed, boolean[] kept, boolean[] covered, int maxStack) {
        Map<Key, List<Taken>> byKey = new LinkedHashMap<>();
        MatMulGroups.forEachSum(g, needed, kept, covered, sum -> {
            Taken taken = weightGradient(g, sum, kept);
            if (taken == null) {
                taken = tableGradient(g, sum, kept);
            }
            if (taken == null) {
                return;
            }
            Node g0 = g.node(first(taken.pairs()[0]));
            int vocabulary = taken.weight() ? g.node(taken.factor()).shape().dim(0) : sum.root().shape().dim(0);
            int depth = g0.shape().dim(1);
            int rows = g0.shape().dim(0) * taken.pairs().length;
            if (vocabulary >= rows || (long) vocabulary * depth > maxStack) {
                return;
            }
            taken.covered().forEach(c -> covered[c] = true);
            List<Long> pairs = Arrays.stream(taken.pairs()).sorted().boxed().toList();
            byKey.computeIfAbsent(new Key(vocabulary, depth, pairs), k -> new ArrayList<>()).add(taken);
        });
        List<Unit> units = new ArrayList<>();
        byKey.forEach((key, group) -> units.addAll(units(g, key, group)));
        return units;
    }

    /** {@code Σ_t G_tᵀ Gather(E, i_t)}, one E, each product read by the sum alone; else null. */
    private static Taken weightGradient(Graph g, MatMulGroups.Sum sum, boolean[] kept) {
        List<Integer> leaves = sum.leaves();
        if (!sum.ofDistinctTerms()) {
            return null;
        }
        long[] pairs = new long[leaves.size()];
        Integer table = null;
        List<Integer> covered = new ArrayList<>(sum.inner());
        for (int i = 0; i < pairs.length; i++) {
            Node l = g.node(leaves.get(i));
            if (!(l.op() instanceof MatMul mm) || mm.opA() != Gemm.Op.T || mm.opB() != Gemm.Op.N || kept[l.id()] || g.consumers(l.id()).size() != 1) {
                return null;
            }
            Node x = g.node(l.inputs().get(1));
            if (!(x.op() instanceof Gather) || (table != null && table != x.inputs().get(0).intValue())) {
                return null;
            }
            table = x.inputs().get(0);
            pairs[i] = pair(l.inputs().get(0), x.inputs().get(1));
            covered.add(l.id());
        }
        if (!sameShapes(g, pairs)) {
            return null;
        }
        return new Taken(sum.root().id(), covered, pairs, table, true, Gemm.Op.N, g.node(table).shape().dim(1));
    }

    /** {@code Σ_t ScatterAdd(G_t · op(W), i_t)}, one W, each scatter and product read by the next alone; else null. */
    private static Taken tableGradient(Graph g, MatMulGroups.Sum sum, boolean[] kept) {
        List<Integer> leaves = sum.leaves();
        if (!sum.ofDistinctTerms()) {
            return null;
        }
        long[] pairs = new long[leaves.size()];
        Integer factor = null;
        Gemm.Op op = null;
        List<Integer> covered = new ArrayList<>(sum.inner());
        for (int i = 0; i < pairs.length; i++) {
            Node s = g.node(leaves.get(i));
            if (!(s.op() instanceof ScatterAdd) || kept[s.id()] || g.consumers(s.id()).size() != 1 || !s.shape().equals(sum.root().shape())) {
                return null;
            }
            Node p = g.node(s.inputs().get(0));
            if (!(p.op() instanceof MatMul mm) || mm.opA() != Gemm.Op.N || kept[p.id()] || g.consumers(p.id()).size() != 1
                    || (factor != null && (factor != p.inputs().get(1).intValue() || op != mm.opB())) || p.inputs().get(0).equals(p.inputs().get(1))) {
                return null;
            }
            factor = p.inputs().get(1);
            op = mm.opB();
            pairs[i] = pair(p.inputs().get(0), s.inputs().get(1));
            covered.add(s.id());
            covered.add(p.id());
        }
        if (!sameShapes(g, pairs)) {
            return null;
        }
        return new Taken(sum.root().id(), covered, pairs, factor, false, op, sum.root().shape().dim(1));
    }

    private static boolean sameShapes(Graph g, long[] pairs) {
        Node g0 = g.node(first(pairs[0]));
        return g0.shape().rank() == 2 && Arrays.stream(pairs).allMatch(p -> g.node(first(p)).shape().equals(g0.shape())
                && g.node(second(p)).shape().rank() == 1 && g.node(second(p)).shape().dim(0) == g0.shape().dim(0));
    }

    /**
     * A unit per step adding its rows of {@code G_t} into S (the first filling S with zeros), in the order the
     * {@code G_t} are made, then one unit of the products. They keep their order through the first sum's value,
     * which each writes (the steps' units in fact write S, the program's own, which no other unit reads).
     */
    private static List<Unit> units(Graph g, Key key, List<Taken> group) {
        int vocabulary = key.vocabulary();
        int depth = key.depth();
        int rows = g.node(first(key.pairs().get(0))).shape().dim(0);
        float[] s = new float[vocabulary * depth];
        int token = group.get(0).sum();
        List<Long> ordered = new ArrayList<>(key.pairs());
        ordered.sort(Comparator.comparingInt(p -> Math.max(first(p), second(p))));
        List<Unit> units = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            int gt = first(ordered.get(i));
            int it = second(ordered.get(i));
            boolean zero = i == 0;
            Instruction ins = v -> scatter(v[gt], v[it], s, rows, depth, vocabulary, zero);
            int[] reads = zero ? new int[] {gt, it} : new int[] {gt, it, token};
            units.add(new Unit(Math.max(gt, it), new int[0], new int[] {token}, reads, ins, SCATTER));
        }
        List<Integer> reads = new ArrayList<>(List.of(token));
        List<Integer> writes = new ArrayList<>();
        List<Integer> covers = new ArrayList<>();
        List<Instruction> products = new ArrayList<>();
        for (Taken t : group) {
            reads.add(t.factor());
            writes.add(t.sum());
            covers.addAll(t.covered());
            int out = t.sum();
            int factor = t.factor();
            int width = t.width();
            products.add(t.weight()
                    ? v -> Gemm.mm(s, Gemm.Op.T, v[factor], Gemm.Op.N, v[out], depth, width, vocabulary, false)
                    : v -> Gemm.mm(s, Gemm.Op.N, v[factor], t.opFactor(), v[out], vocabulary, width, depth, false));
        }
        Instruction all = v -> products.forEach(p -> p.run(v));
        int ready = reads.stream().mapToInt(Integer::intValue).max().getAsInt();
        units.add(new Unit(ready, covers.stream().mapToInt(Integer::intValue).toArray(), writes.stream().mapToInt(Integer::intValue).toArray(),
                reads.stream().mapToInt(Integer::intValue).distinct().toArray(), all, PRODUCT));
        return units;
    }

    /** Row r of {@code gt} added into row {@code it[r]} of S (S first zeroed with {@code zero}). */
    private static void scatter(float[] gt, float[] it, float[] s, int rows, int depth, int vocabulary, boolean zero) {
        if (zero) {
            Arrays.fill(s, 0f);
        }
        for (int r = 0; r < rows; r++) {
            int base = LookupLowerings.index(it[r], vocabulary) * depth;
            for (int j = 0; j < depth; j++) {
                s[base + j] += gt[r * depth + j];
            }
        }
    }

    private static long pair(int gt, int it) {
        return ((long) gt << 32) | it;
    }

    private static int first(long pair) {
        return (int) (pair >>> 32);
    }

    private static int second(long pair) {
        return (int) pair;
    }
}
