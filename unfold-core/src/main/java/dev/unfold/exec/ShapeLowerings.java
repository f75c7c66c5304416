package dev.unfold.exec;

import dev.unfold.graph.Node;
import dev.unfold.kernel.Broadcast;
import dev.unfold.kernel.FloatOps;
import dev.unfold.op.Concat;
import dev.unfold.op.Pad;
import dev.unfold.op.Slice;
import dev.unfold.tensor.Shape;

/** Primitives that move or sum elements without arithmetic of their own: sum-to, broadcast, slice, pad, concat, reshape. */
final class ShapeLowerings {
    private ShapeLowerings() {
    }

    static Instruction sumTo(Node n, Lowering.Context c) {
        Shape in = c.input(n, 0).shape();
        Shape out = n.shape();
        int x = n.inputs().get(0);
        int o = n.id();
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

    static Instruction broadcastTo(Node n, Lowering.Context c) {
        int[] src = Broadcast.sourceIndex(c.input(n, 0).shape(), n.shape());
        int x = n.inputs().get(0);
        int o = n.id();
        int size = n.shape().size();
        return v -> {
            float[] a = v[x];
            float[] z = v[o];
            for (int i = 0; i < size; i++) {
                z[i] = a[src[i]];
            }
        };
    }

    static Instruction slice(Node n, Lowering.Context c) {
        Slice s = (Slice) n.op();
        Shape in = c.input(n, 0).shape();
        int x = n.inputs().get(0);
        int o = n.id();
        int outer = in.outer(s.axis());
        int inner = in.inner(s.axis());
        int len = (s.end() - s.start()) * inner;
        int stride = in.dim(s.axis()) * inner;
        int offset = s.start() * inner;
        return v -> FloatOps.copyBlocks(v[x], offset, stride, v[o], 0, len, outer, len);
    }

    static Instruction pad(Node n, Lowering.Context c) {
        Pad p = (Pad) n.op();
        Shape in = c.input(n, 0).shape();
        int x = n.inputs().get(0);
        int o = n.id();
        int size = n.shape().size();
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

    static Instruction concat(Node n, Lowering.Context c) {
        Concat cat = (Concat) n.op();
        int[] in = c.inputs(n);
        int o = n.id();
        Shape out = n.shape();
        int outer = out.outer(cat.axis());
        int inner = out.inner(cat.axis());
        int stride = out.dim(cat.axis()) * inner;
        int[] lens = new int[in.length];
        int[] offsets = new int[in.length];
        int at = 0;
        for (int i = 0; i < in.length; i++) {
            lens[i] = c.input(n, i).shape().dim(cat.axis()) * inner;
            offsets[i] = at;
            at += lens[i];
        }
        return v -> {
            for (int i = 0; i < in.length; i++) {
                FloatOps.copyBlocks(v[in[i]], 0, lens[i], v[o], offsets[i], stride, outer, lens[i]);
            }
        };
    }

    static Instruction reshape(Node n, Lowering.Context c) {
        int x = n.inputs().get(0);
        int o = n.id();
        int size = n.shape().size();
        return v -> System.arraycopy(v[x], 0, v[o], 0, size);
    }
}
