package dev.unfold.exec;

import dev.unfold.graph.Node;
import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.FloatOps;
import dev.unfold.op.Affine;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.Shape;

import java.util.Map;

/** Element-wise primitives: sums and products (broadcasting), the affine map and the activations. */
final class ElementwiseLowerings {
    private ElementwiseLowerings() {
    }

    /** The ops lowered here, each of whose loops reads {@code x[i]} of an input of the output's shape before it writes {@code out[i]}. */
    private static final java.util.Set<Class<? extends dev.unfold.op.Op>> SAME_INDEX = java.util.Set.of(dev.unfold.op.Add.class,
            dev.unfold.op.Mul.class, Affine.class, dev.unfold.op.Tanh.class, dev.unfold.op.Sigmoid.class, dev.unfold.op.Relu.class,
            dev.unfold.op.Step.class);

    /**
     * Whether {@code n}'s lowering reads each input of {@code n}'s shape at the index it writes (a broadcast operand,
     * a bias row or column, beside it), so that the output may be computed in place over such an input.
     */
    static boolean readsAtWrittenIndex(Node n) {
        return SAME_INDEX.contains(n.op().getClass());
    }

    static Instruction add(Node n, Lowering.Context c) {
        Instruction bias = biasAdd(n, c);
        return bias != null ? bias : binary(n, c, true);
    }

    static Instruction mul(Node n, Lowering.Context c) {
        return binary(n, c, false);
    }

    static Instruction affine(Node n, Lowering.Context c) {
        Affine a = (Affine) n.op();
        int x = n.inputs().get(0);
        int out = n.id();
        int size = n.shape().size();
        float scale = (float) a.scale();
        float shift = (float) a.shift();
        return v -> FloatOps.affine(v[x], scale, shift, v[out], size);
    }

    static Instruction tanh(Node n, Lowering.Context c) {
        int x = n.inputs().get(0);
        int out = n.id();
        int size = n.shape().size();
        return v -> FloatOps.tanh(v[x], v[out], size);
    }

    static Instruction sigmoid(Node n, Lowering.Context c) {
        int x = n.inputs().get(0);
        int out = n.id();
        int size = n.shape().size();
        return v -> FloatOps.sigmoid(v[x], v[out], size);
    }

    static Instruction relu(Node n, Lowering.Context c) {
        int x = n.inputs().get(0);
        int out = n.id();
        int size = n.shape().size();
        return v -> FloatOps.relu(v[x], v[out], size);
    }

    static Instruction step(Node n, Lowering.Context c) {
        int x = n.inputs().get(0);
        int out = n.id();
        int size = n.shape().size();
        return v -> FloatOps.step(v[x], v[out], size);
    }

    private static Instruction binary(Node n, Lowering.Context c, boolean add) {
        int a = n.inputs().get(0);
        int b = n.inputs().get(1);
        Shape sa = c.input(n, 0).shape();
        Shape sb = c.input(n, 1).shape();
        Shape out = n.shape();
        int o = n.id();
        int size = out.size();
        if (sa.equals(out) && sb.equals(out)) {
            return add ? v -> FloatOps.add(v[a], v[b], v[o], size) : v -> FloatOps.mul(v[a], v[b], v[o], size);
        }
        if (sa.equals(out) && out.rank() >= 1 && isRow(sb, out)) {
            int cols = out.dim(-1);
            return add ? v -> FloatOps.addRow(v[a], v[b], v[o], size / cols, cols) : v -> FloatOps.mulRow(v[a], v[b], v[o], size / cols, cols);
        }
        if (sb.equals(out) && out.rank() >= 1 && isRow(sa, out)) {
            int cols = out.dim(-1);
            return add ? v -> FloatOps.addRow(v[b], v[a], v[o], size / cols, cols) : v -> FloatOps.mulRow(v[b], v[a], v[o], size / cols, cols);
        }
        if (sa.equals(out) && out.rank() == 2 && sb.equals(Shape.of(out.dim(0), 1))) {
            int rows = out.dim(0);
            return add ? v -> FloatOps.addColumn(v[a], v[b], v[o], rows, size / rows) : v -> FloatOps.mulColumn(v[a], v[b], v[o], rows, size / rows);
        }
        int[] ia = Broadcast.sourceIndex(sa, out);
        int[] ib = Broadcast.sourceIndex(sb, out);
        if (add) {
            return v -> {
                float[] x = v[a];
                float[] y = v[b];
                float[] z = v[o];
                for (int i = 0; i < size; i++) {
                    z[i] = x[ia[i]] + y[ib[i]];
                }
            };
        }
        return v -> {
            float[] x = v[a];
            float[] y = v[b];
            float[] z = v[o];
            for (int i = 0; i < size; i++) {
                z[i] = x[ia[i]] * y[ib[i]];
            }
        };
    }

    /**
     * {@code x + b} with {@code b} a parameter row (a bias) added to every row of {@code x}: the row is laid
     * out over all rows once per new parameter array and shared by every step, so each step's add reads
     * three arrays at the same index, which the JIT vectorises (with the row read at another offset it
     * cannot rule out aliasing, and does not).
     */
    private static Instruction biasAdd(Node n, Lowering.Context c) {
        int a = n.inputs().get(0);
        int b = n.inputs().get(1);
        Shape out = n.shape();
        if (!c.input(n, 0).shape().equals(out) || !isBias(c.input(n, 1), out)) {
            return null;
        }
        int o = n.id();
        int size = out.size();
        TiledRow tiled = tiled(c.rows(), b, size, out.dim(-1));
        return v -> FloatOps.add(v[a], tiled.of(v[b]), v[o], size);
    }

    /** Whether {@code b} is a parameter row added to every row of a matrix {@code out}: a bias. */
    static boolean isBias(Node b, Shape out) {
        return out.rank() >= 2 && isRow(b.shape(), out) && b.is(Leaf.Kind.PARAMETER);
    }

    /** The program's tiling of parameter row {@code b} over {@code size / cols} rows, made once and shared. */
    static TiledRow tiled(Map<Long, TiledRow> rows, int b, int size, int cols) {
        return rows.computeIfAbsent(((long) b << 32) | (size / cols), k -> new TiledRow(size, cols));
    }

    /**
     * A row repeated over all rows of a matrix, laid out again only when a new row array comes: a parameter's
     * array is never written (tensors are immutable), so a new array is the only way its value changes.
     */
    static final class TiledRow {
        private final float[] tiled;
        private final int cols;
        private float[] source;

        TiledRow(int size, int cols) {
            this.tiled = new float[size];
            this.cols = cols;
        }

        synchronized float[] of(float[] row) {
            if (row != source) {
                for (int r = 0; r < tiled.length; r += cols) {
                    System.arraycopy(row, 0, tiled, r, cols);
                }
                source = row;
            }
            return tiled;
        }
    }

    /** Whether {@code s} is the last axis of {@code out} alone, as (C) or (1, C). */
    static boolean isRow(Shape s, Shape out) {
        int cols = out.dim(-1);
        return s.size() == cols && s.dim(-1) == cols && Broadcast.broadcastsTo(s, out);
    }
}
