package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;
import dev.unfold.op.OneHot;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code OneHot(idx_t) · op(W)} for all steps as the rows (or columns) of {@code W} the indices pick: a one-hot row
 * times {@code W} adds {@code 1 · w} to zeros, so the pick is exact, at a copy's cost instead of a product's. Only
 * while {@code W} is finite: {@code 0 · ∞} is NaN, so a weight that is not makes the product the graph's, built from
 * one-hot rows of its own. A one-hot node nothing else reads is no longer made.
 */
final class OneHotRows {
    static final String KIND = "MatMul, one-hot rows";

    private OneHotRows() {
    }

    /** Every member multiplies the one-hot rows of a vector of indices by one parameter. */
    static boolean applies(Graph g, List<Integer> members) {
        int w = g.node(members.get(0)).inputs().get(1);
        return g.node(w).is(Leaf.Kind.PARAMETER)
                && members.stream().allMatch(m -> g.node(g.node(m).inputs().get(0)).op() instanceof OneHot);
    }

    /** The one-hot nodes only the members read (and not kept): the units make their values unneeded. */
    static List<Integer> absorbed(Graph g, List<Integer> members, boolean[] kept) {
        List<Integer> out = new ArrayList<>();
        for (int m : members) {
            int oneHot = g.node(m).inputs().get(0);
            if (!kept[oneHot] && g.consumers(oneHot).stream().allMatch(members::contains)) {
                out.add(oneHot);
            }
        }
        return out;
    }

    /** One unit per chunk of steps. */
    static List<Unit> units(Graph g, List<Integer> members, int chunk, BufferPool scratch) {
        Node first = g.node(members.get(0));
        MatMul mm = (MatMul) first.op();
        int w = first.inputs().get(1);
        int classes = ((OneHot) g.node(first.inputs().get(0)).op()).classes();
        int rows = first.shape().dim(0);
        int n = first.shape().dim(1);
        PickableWeights pickable = new PickableWeights(mm.opB() == Gemm.Op.T, n, classes);
        List<Unit> units = new ArrayList<>();
        for (int from = 0; from < members.size(); from += chunk) {
            List<Integer> part = members.subList(from, Math.min(members.size(), from + chunk));
            int[] idxs = part.stream().mapToInt(m -> g.node(g.node(m).inputs().get(0)).inputs().get(0)).toArray();
            int[] outs = part.stream().mapToInt(Integer::intValue).toArray();
            Instruction ins = v -> {
                float[] weights = v[w];
                PickableWeights.Rows pick = pickable.of(weights);
                for (int i = 0; i < outs.length; i++) {
                    if (pick == null) {
                        multiplied(v[idxs[i]], weights, mm.opB(), v[outs[i]], rows, classes, n, scratch);
                    } else if (pick.byRow()) {
                        picked(v[idxs[i]], pick.w(), v[outs[i]], rows, classes, n);
                    } else {
                        pickedColumns(v[idxs[i]], weights, v[outs[i]], rows, classes, n);
                    }
                }
            };
            int[] reads = java.util.stream.IntStream.concat(java.util.Arrays.stream(idxs), java.util.stream.IntStream.of(w)).distinct().toArray();
            units.add(new Unit(outs[0], outs.clone(), outs, reads, ins, KIND));
        }
        return units;
    }

    /** {@code out[r] = W[idx[r]]}, W stored classes × n. */
    private static void picked(float[] idx, float[] w, float[] out, int rows, int classes, int n) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, LookupLowerings.index(idx[r], classes) * n, out, r * n, n);
        }
    }

    /** {@code out[r] = Wᵀ[idx[r]]}, W stored n × classes: a strided read, for weights seen once. */
    private static void pickedColumns(float[] idx, float[] w, float[] out, int rows, int classes, int n) {
        for (int r = 0; r < rows; r++) {
            int c = LookupLowerings.index(idx[r], classes);
            for (int j = 0; j < n; j++) {
                out[r * n + j] = w[j * classes + c];
            }
        }
    }

    /** {@code out = OneHot(idx) · op(W)} as the graph computes it, from one-hot rows made in scratch. */
    private static void multiplied(float[] idx, float[] w, Gemm.Op opB, float[] out, int rows, int classes, int n, BufferPool scratch) {
        float[] oneHot = scratch.scratch(0, rows * classes);
        java.util.Arrays.fill(oneHot, 0, rows * classes, 0f);
        for (int r = 0; r < rows; r++) {
            oneHot[r * classes + LookupLowerings.index(idx[r], classes)] = 1f;
        }
        Gemm.mm(oneHot, Gemm.Op.N, w, opB, out, rows, n, classes, false);
    }

    /**
     * Whether a parameter's array is finite, checked once per array (a parameter's values come in a new one), and
     * the rows to pick from: {@code W} itself, or for a {@code W} stored n × classes its transpose, made once the
     * same array is read a second time (weights that stay, as in inference; a training step's are read once).
     */
    private static final class PickableWeights {
        /** {@code w} as rows of classes × n to copy ({@code byRow}), or stored n × classes and read by column. */
        record Rows(float[] w, boolean byRow) {
        }

        private final boolean storedByColumn;
        private final int n;
        private final int classes;
        private float[] seen;
        private boolean finite;
        private int reads;
        private Rows rows;

        PickableWeights(boolean storedByColumn, int n, int classes) {
            this.storedByColumn = storedByColumn;
            this.n = n;
            this.classes = classes;
        }

        /** The rows to pick from, or null when {@code w} is not finite. */
        synchronized Rows of(float[] w) {
            if (w != seen) {
                finite = true;
                for (float x : w) {
                    finite &= Float.isFinite(x);
                }
                seen = w;
                reads = 0;
                rows = new Rows(w, !storedByColumn);
            }
            if (!finite) {
                return null;
            }
            if (++reads == 2 && storedByColumn) {
                rows = new Rows(transposed(w), true);
            }
            return rows;
        }

        private float[] transposed(float[] w) {
            float[] t = new float[w.length];
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < classes; c++) {
                    t[c * n + j] = w[j * classes + c];
                }
            }
            return t;
        }
    }
}
