package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.FloatOps;
import dev.unfold.kernel.Gemm;
import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.BroadcastTo;
import dev.unfold.op.Concat;
import dev.unfold.op.Gather;
import dev.unfold.op.MatMul;
import dev.unfold.op.Mul;
import dev.unfold.op.OneHot;
import dev.unfold.op.Pad;
import dev.unfold.op.Relu;
import dev.unfold.op.Reshape;
import dev.unfold.op.ScatterAdd;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.Softmax;
import dev.unfold.op.SoftmaxCrossEntropy;
import dev.unfold.op.Step;
import dev.unfold.op.SumTo;
import dev.unfold.op.Tanh;
import dev.unfold.tensor.Shape;
import java.util.Map;

/** The single-precision instruction of one node, specialised at compile time to its shapes. */
final class NodeInstructions {
    private NodeInstructions() {
    }

    /**
     * {@code caches} gives each parameter one backend copy shared by all the products that read it;
     * {@code rows} each bias one laid-out copy per row count, shared by all the steps that add it.
     */
    static Instruction of(Node n, Graph g, Map<Integer, Gemm.OperandCache> caches, Map<Long, TiledRow> rows) {
        int out = n.id();
        int size = n.shape().size();
        int[] in = n.inputs().stream().mapToInt(Integer::intValue).toArray();
        var op = n.op();
        if (op instanceof Add) {
            Instruction bias = biasAdd(g, n, rows);
            if (bias != null) {
                return bias;
            }
            return binary(g, n, true);
        } else if (op instanceof Mul) {
            return binary(g, n, false);
        } else if (op instanceof Affine a) {
            return v -> FloatOps.affine(v[in[0]], (float) a.scale(), (float) a.shift(), v[out], size);
        } else if (op instanceof Tanh) {
            return v -> FloatOps.tanh(v[in[0]], v[out], size);
        } else if (op instanceof Sigmoid) {
            return v -> FloatOps.sigmoid(v[in[0]], v[out], size);
        } else if (op instanceof Relu) {
            return v -> FloatOps.relu(v[in[0]], v[out], size);
        } else if (op instanceof Step) {
            return v -> FloatOps.step(v[in[0]], v[out], size);
        } else if (op instanceof MatMul mm) {
            Gemm.OperandCache cache = g.node(in[1]).is(dev.unfold.op.Leaf.Kind.PARAMETER)
                    ? caches.computeIfAbsent(in[1], id -> new Gemm.OperandCache()) : null;
            return matmul(mm, g.node(in[0]).shape(), n.shape(), in, out, cache);
        } else if (op instanceof SumTo) {
            return sumTo(g.node(in[0]).shape(), n.shape(), in[0], out);
        } else if (op instanceof BroadcastTo) {
            return broadcast(g.node(in[0]).shape(), n.shape(), in[0], out);
        } else if (op instanceof Slice s) {
            return slice(s, g.node(in[0]).shape(), in[0], out);
        } else if (op instanceof Pad p) {
            return pad(p, g.node(in[0]).shape(), in[0], out, size);
        } else if (op instanceof Concat c) {
            return concat(c, g, n, in, out);
        } else if (op instanceof Reshape) {
            return v -> System.arraycopy(v[in[0]], 0, v[out], 0, size);
        } else if (op instanceof Gather) {
            return LookupInstructions.gather(g.node(in[0]).shape(), in, out);
        } else if (op instanceof ScatterAdd sa) {
            return LookupInstructions.scatterAdd(sa, g.node(in[0]).shape(), in, out);
        } else if (op instanceof OneHot oh) {
            return LookupInstructions.oneHot(oh, in, out);
        } else if (op instanceof Softmax) {
            return LookupInstructions.softmax(n.shape(), in, out);
        } else if (op instanceof SoftmaxCrossEntropy) {
            return LookupInstructions.crossEntropy(g.node(in[0]).shape(), in, out);
        }
        throw new IllegalStateException(op.name() + " has no compiled instruction; leaves are fed, not computed");
    }

    private static Instruction binary(Graph g, Node n, boolean add) {
        int a = n.inputs().get(0);
        int b = n.inputs().get(1);
        Shape sa = g.node(a).shape();
        Shape sb = g.node(b).shape();
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
    private static Instruction biasAdd(Graph g, Node n, Map<Long, TiledRow> rows) {
        int a = n.inputs().get(0);
        int b = n.inputs().get(1);
        Shape out = n.shape();
        if (!g.node(a).shape().equals(out) || out.rank() < 2 || !isRow(g.node(b).shape(), out)
                || !g.node(b).is(dev.unfold.op.Leaf.Kind.PARAMETER)) {
            return null;
        }
        int o = n.id();
        int size = out.size();
        int cols = out.dim(-1);
        TiledRow tiled = rows.computeIfAbsent(((long) b << 32) | (size / cols), k -> new TiledRow(size, cols));
        return v -> FloatOps.add(v[a], tiled.of(v[b]), v[o], size);
    }

    /** A row repeated over all rows of a matrix, laid out again only when a new row array comes. */
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

    /** A parameter's array is never written, so the GEMM backend may keep one copy of it for every step. */
    private static Instruction matmul(MatMul mm, Shape a, Shape out, int[] in, int o, Gemm.OperandCache cache) {
        int m = out.dim(0);
        int n = out.dim(1);
        int k = mm.opA() == Gemm.Op.N ? a.dim(1) : a.dim(0);
        if (cache != null) {
            return v -> Gemm.mmImmutableB(cache, v[in[0]], mm.opA(), v[in[1]], mm.opB(), v[o], m, n, k);
        }
        return v -> Gemm.mm(v[in[0]], mm.opA(), v[in[1]], mm.opB(), v[o], m, n, k, false);
    }

    private static Instruction sumTo(Shape in, Shape out, int x, int o) {
        int size = in.size();
        if (in.equals(out)) {
            return v -> System.arraycopy(v[x], 0, v[o], 0, size);
        }
        if (out.size() == 1) {
            return v -> {
                double s = 0;
                float[] a = v[x];
                for (int i = 0; i < size; i++) {
                    s += a[i];
                }
                v[o][0] = (float) s;
            };
        }
        if (in.rank() >= 1 && out.size() == in.dim(-1) && out.dim(-1) == in.dim(-1)) {
            int cols = in.dim(-1);
            return v -> FloatOps.sumRows(v[x], v[o], size / cols, cols, false);
        }
        if (in.rank() == 2 && out.equals(Shape.of(in.dim(0), 1))) {
            return v -> FloatOps.sumColumns(v[x], v[o], in.dim(0), in.dim(1));
        }
        int[] dst = Broadcast.sourceIndex(out, in);
        int outSize = out.size();
        return v -> {
            double[] acc = new double[outSize];
            float[] a = v[x];
            for (int i = 0; i < size; i++) {
                acc[dst[i]] += a[i];
            }
            for (int i = 0; i < outSize; i++) {
                v[o][i] = (float) acc[i];
            }
        };
    }

    private static Instruction broadcast(Shape in, Shape out, int x, int o) {
        int[] src = Broadcast.sourceIndex(in, out);
        int size = out.size();
        return v -> {
            float[] a = v[x];
            float[] z = v[o];
            for (int i = 0; i < size; i++) {
                z[i] = a[src[i]];
            }
        };
    }

    private static Instruction slice(Slice s, Shape in, int x, int o) {
        int outer = in.outer(s.axis());
        int inner = in.inner(s.axis());
        int len = (s.end() - s.start()) * inner;
        int stride = in.dim(s.axis()) * inner;
        int offset = s.start() * inner;
        return v -> FloatOps.copyBlocks(v[x], offset, stride, v[o], 0, len, outer, len);
    }

    private static Instruction pad(Pad p, Shape in, int x, int o, int size) {
        int outer = in.outer(p.axis());
        int inner = in.inner(p.axis());
        int len = in.dim(p.axis()) * inner;
        int stride = p.total() * inner;
        int offset = p.before() * inner;
        return v -> {
            java.util.Arrays.fill(v[o], 0, size, 0f);
            FloatOps.copyBlocks(v[x], 0, len, v[o], offset, stride, outer, len);
        };
    }

    private static Instruction concat(Concat c, Graph g, Node n, int[] in, int o) {
        Shape out = n.shape();
        int outer = out.outer(c.axis());
        int inner = out.inner(c.axis());
        int stride = out.dim(c.axis()) * inner;
        int[] lens = new int[in.length];
        int[] offsets = new int[in.length];
        int at = 0;
        for (int i = 0; i < in.length; i++) {
            lens[i] = g.node(in[i]).shape().dim(c.axis()) * inner;
            offsets[i] = at;
            at += lens[i];
        }
        return v -> {
            for (int i = 0; i < in.length; i++) {
                FloatOps.copyBlocks(v[in[i]], 0, lens[i], v[o], offsets[i], stride, outer, lens[i]);
            }
        };
    }
}
