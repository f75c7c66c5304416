package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.FloatOps;
import dev.unfold.op.Add;
import dev.unfold.op.Pad;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sum of pads of disjoint ranges of one axis, which the VJP builds for the gradient of a value read in
 * chunks (an LSTM's or GRU's gate block, read by its four or three slices): each chunk's gradient is placed
 * into zeros and the placements added. The sum is the chunks placed side by side, so it is written so, in
 * one pass, exactly (adding zeros changes nothing), instead of one zero-filled matrix per chunk and the adds.
 */
final class PadSums {
    private PadSums() {
    }

    /** Finds such sums among the values not yet covered, marks what they cover, and returns their units. */
    static List<Unit> placements(Graph g, boolean[] needed, boolean[] kept, boolean[] covered) {
        List<Unit> units = new ArrayList<>();
        MatMulGroups.forEachSum(g, needed, kept, covered, sum -> {
            if (sum.ofDistinctTerms() && placeable(g, sum.root(), sum.leaves(), kept, covered)) {
                sum.inner().forEach(i -> covered[i] = true);
                sum.leaves().forEach(l -> covered[l] = true);
                units.add(unit(g, sum.root(), sum.inner(), sum.leaves()));
            }
        });
        return units;
    }

    /** Distinct pads, each read by the sum alone, of one axis and length, their ranges disjoint. */
    private static boolean placeable(Graph g, Node sum, List<Integer> leaves, boolean[] kept, boolean[] covered) {
        Pad first = null;
        int[][] ranges = new int[leaves.size()][];
        for (int i = 0; i < leaves.size(); i++) {
            Node l = g.node(leaves.get(i));
            if (!(l.op() instanceof Pad p) || kept[l.id()] || covered[l.id()] || g.consumers(l.id()).size() != 1 || !l.shape().equals(sum.shape())) {
                return false;
            }
            if (first != null && (p.axis() != first.axis() || p.total() != first.total())) {
                return false;
            }
            first = first == null ? p : first;
            ranges[i] = new int[] {p.before(), p.before() + g.node(l.inputs().get(0)).shape().dim(p.axis())};
        }
        Arrays.sort(ranges, (a, b) -> Integer.compare(a[0], b[0]));
        for (int i = 1; i < ranges.length; i++) {
            if (ranges[i][0] < ranges[i - 1][1]) {
                return false;
            }
        }
        return true;
    }

    private static Unit unit(Graph g, Node sum, List<Integer> inner, List<Integer> leaves) {
        int o = sum.id();
        int size = sum.shape().size();
        int count = leaves.size();
        int[] xs = new int[count];
        int[] lens = new int[count];
        int[] offsets = new int[count];
        int covered = 0;
        Pad any = (Pad) g.node(leaves.get(0)).op();
        Shape out = sum.shape();
        int outer = out.outer(any.axis());
        int innerSize = out.inner(any.axis());
        int stride = any.total() * innerSize;
        for (int i = 0; i < count; i++) {
            Node pad = g.node(leaves.get(i));
            Pad p = (Pad) pad.op();
            xs[i] = pad.inputs().get(0);
            lens[i] = g.node(xs[i]).shape().dim(p.axis()) * innerSize;
            offsets[i] = p.before() * innerSize;
            covered += lens[i];
        }
        boolean whole = covered == stride;
        Instruction ins = v -> {
            if (!whole) {
                Arrays.fill(v[o], 0, size, 0f);
            }
            for (int i = 0; i < count; i++) {
                FloatOps.copyBlocks(v[xs[i]], 0, lens[i], v[o], offsets[i], stride, outer, lens[i]);
            }
        };
        return new Unit(o, MatMulGroups.concat(inner, leaves), new int[] {o}, Arrays.stream(xs).distinct().toArray(), ins, "pads placed");
    }
}
