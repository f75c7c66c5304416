package dev.unfold.kernel;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;

/** Row gathers and scatters over the first axis, indexed by tensors that hold whole numbers. */
public final class Rows {
    private Rows() {
    }

    /** {@code out[n] = table[indices[n]]}: (V, E) gathered by N indices gives (N, E). */
    public static Tensor gather(Tensor table, Tensor indices) {
        int width = table.shape().dim(1);
        int rows = table.shape().dim(0);
        Shape out = Shape.of(indices.size(), width);
        int[] idx = new int[indices.size()];
        for (int n = 0; n < idx.length; n++) {
            idx[n] = index(indices, n, rows);
        }
        return Tensor.generate(table.dtype(), out, i -> table.get(idx[i / width] * width + i % width));
    }

    /** {@code out[indices[n]] += src[n]}, into a zero table of {@code rows} rows. */
    public static Tensor scatterAdd(Tensor src, Tensor indices, int rows) {
        int width = src.shape().dim(1);
        double[] acc = new double[rows * width];
        for (int n = 0; n < indices.size(); n++) {
            int r = index(indices, n, rows);
            for (int j = 0; j < width; j++) {
                acc[r * width + j] += src.get(n * width + j);
            }
        }
        return Reduce.fromDoubles(src.dtype(), Shape.of(rows, width), acc);
    }

    /** One-hot rows: (N) indices to (N, classes). */
    public static Tensor oneHot(Tensor indices, int classes, dev.unfold.tensor.DType dtype) {
        int[] idx = new int[indices.size()];
        for (int n = 0; n < idx.length; n++) {
            idx[n] = index(indices, n, classes);
        }
        return Tensor.generate(dtype, Shape.of(idx.length, classes), i -> idx[i / classes] == i % classes ? 1 : 0);
    }

    /** Element {@code n} of {@code indices} as an index below {@code bound}, or an exception naming it. */
    static int index(Tensor indices, int n, int bound) {
        double v = indices.get(n);
        int i = (int) v;
        if (i != v || i < 0 || i >= bound) {
            throw new IllegalArgumentException("index " + v + " at position " + n + " is not in [0, " + bound + ")");
        }
        return i;
    }
}
