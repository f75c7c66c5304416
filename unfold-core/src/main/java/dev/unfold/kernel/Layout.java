package dev.unfold.kernel;

import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/** Moves of whole blocks along one axis: slice, zero-pad and concatenate. */
public final class Layout {
    private Layout() {
    }

    /** Elements {@code [start, end)} of {@code axis}. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        Shape s = x.shape();
        int outer = s.outer(axis);
        int inner = s.inner(axis);
        int dim = s.dim(axis);
        int len = end - start;
        Shape out = s.with(axis, len);
        return Tensor.generate(x.dtype(), out, i -> {
            int o = i / (len * inner);
            int rest = i % (len * inner);
            return x.get((o * dim + start) * inner + rest);
        });
    }

    /** {@code x} placed at offset {@code before} of a zero tensor whose {@code axis} has length {@code total}. */
    public static Tensor pad(Tensor x, int axis, int before, int total) {
        Shape s = x.shape();
        int inner = s.inner(axis);
        int len = s.dim(axis);
        Shape out = s.with(axis, total);
        return Tensor.generate(x.dtype(), out, i -> {
            int o = i / (total * inner);
            int pos = (i / inner) % total - before;
            return pos >= 0 && pos < len ? x.get((o * len + pos) * inner + i % inner) : 0.0;
        });
    }

    /** Concatenation of {@code parts} along {@code axis}; other dimensions must agree. */
    public static Tensor concat(List<Tensor> parts, int axis, Shape out) {
        int inner = out.inner(axis);
        int total = out.dim(axis);
        int[] partOf = new int[total];
        int[] offsetIn = new int[total];
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            for (int j = 0; j < parts.get(p).shape().dim(axis); j++) {
                partOf[at] = p;
                offsetIn[at++] = j;
            }
        }
        return Tensor.generate(parts.get(0).dtype(), out, i -> {
            int o = i / (total * inner);
            int pos = (i / inner) % total;
            Tensor part = parts.get(partOf[pos]);
            int len = part.shape().dim(axis);
            return part.get((o * len + offsetIn[pos]) * inner + i % inner);
        });
    }
}
