package dev.unfold.kernel;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * Moves of whole blocks along one axis: slice, zero-pad and concatenate. Each is a copy of contiguous runs
 * ({@code System.arraycopy} per index of the axes before {@code axis}), so a value is never converted; parts of
 * another dtype than the result are converted first.
 */
public final class Layout {
    private Layout() {
    }

    /** Elements {@code [start, end)} of {@code axis}. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        Shape s = x.shape();
        int outer = s.outer(axis);
        int inner = s.inner(axis);
        int dim = s.dim(axis);
        int run = (end - start) * inner;
        Shape out = s.with(axis, end - start);
        Object from = data(x);
        Object to = allocate(x.dtype(), out.size());
        for (int o = 0; o < outer; o++) {
            System.arraycopy(from, (o * dim + start) * inner, to, o * run, run);
        }
        return wrap(out, to);
    }

    /** {@code x} placed at offset {@code before} of a zero tensor whose {@code axis} has length {@code total}. */
    public static Tensor pad(Tensor x, int axis, int before, int total) {
        Shape s = x.shape();
        int outer = s.outer(axis);
        int inner = s.inner(axis);
        int run = s.dim(axis) * inner;
        Shape out = s.with(axis, total);
        Object from = data(x);
        Object to = allocate(x.dtype(), out.size());
        for (int o = 0; o < outer; o++) {
            System.arraycopy(from, o * run, to, (o * total + before) * inner, run);
        }
        return wrap(out, to);
    }

    /** Concatenation of {@code parts} along {@code axis}; other dimensions must agree. */
    public static Tensor concat(List<Tensor> parts, int axis, Shape out) {
        DType dtype = parts.get(0).dtype();
        int outer = out.outer(axis);
        int inner = out.inner(axis);
        int total = out.dim(axis);
        Object to = allocate(dtype, out.size());
        int at = 0;
        for (Tensor part : parts) {
            int run = part.shape().dim(axis) * inner;
            Object from = data(part.dtype() == dtype ? part : part.to(dtype));
            for (int o = 0; o < outer; o++) {
                System.arraycopy(from, o * run, to, o * total * inner + at, run);
            }
            at += run;
        }
        return wrap(out, to);
    }

    private static Object data(Tensor x) {
        return x.dtype() == DType.F32 ? x.f32() : x.f64();
    }

    private static Object allocate(DType dtype, int n) {
        return dtype == DType.F32 ? new float[n] : new double[n];
    }

    private static Tensor wrap(Shape shape, Object data) {
        return data instanceof float[] f ? Tensor.wrap(shape, f) : Tensor.wrap(shape, (double[]) data);
    }
}
