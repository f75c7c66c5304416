package dev.unfold.kernel;

import dev.unfold.tensor.Shape;
import java.util.Arrays;

/** NumPy broadcasting: shapes align on the right, and a dimension of 1 stretches. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The broadcast shape of {@code a} and {@code b}, or an exception naming both. */
    public static Shape shape(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = dimFromRight(a, rank - 1 - i);
            int db = dimFromRight(b, rank - 1 - i);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return Shape.of(out);
    }

    /** Whether {@code from} broadcasts to exactly {@code to}. */
    public static boolean broadcastsTo(Shape from, Shape to) {
        if (from.rank() > to.rank()) {
            return false;
        }
        for (int i = 0; i < from.rank(); i++) {
            int df = dimFromRight(from, i);
            int dt = dimFromRight(to, i);
            if (df != dt && df != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * For each flat index of {@code out}, the flat index of the element of {@code in} that broadcasts to
     * it. {@code in} must broadcast to {@code out}.
     */
    public static int[] sourceIndex(Shape in, Shape out) {
        int n = out.size();
        int[] map = new int[n];
        if (in.equals(out)) {
            Arrays.setAll(map, i -> i);
            return map;
        }
        int rank = out.rank();
        int[] stride = new int[rank];
        int s = 1;
        for (int i = 0; i < rank; i++) {
            int d = dimFromRight(in, i);
            stride[rank - 1 - i] = d == 1 ? 0 : s;
            s *= d;
        }
        int[] counter = new int[rank];
        int src = 0;
        for (int i = 0; i < n; i++) {
            map[i] = src;
            for (int ax = rank - 1; ax >= 0; ax--) {
                counter[ax]++;
                src += stride[ax];
                if (counter[ax] < out.dim(ax)) {
                    break;
                }
                src -= stride[ax] * counter[ax];
                counter[ax] = 0;
            }
        }
        return map;
    }

    private static int dimFromRight(Shape s, int i) {
        return i < s.rank() ? s.dim(s.rank() - 1 - i) : 1;
    }
}
