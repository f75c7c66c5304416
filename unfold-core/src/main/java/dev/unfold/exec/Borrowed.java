package dev.unfold.exec;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.function.LongSupplier;

/**
 * A value lent out of an executor's own storage instead of copied into a {@link Tensor}: readable until the
 * program that computed it runs again, after which every read fails. A training step reads its gradients
 * into its own sink this way, with no gradient-sized array allocated per update.
 */
public final class Borrowed {
    private final Shape shape;
    private final float[] f32;
    private final double[] f64;
    private final LongSupplier generation;
    private final long lentAt;

    private Borrowed(Shape shape, float[] f32, double[] f64, LongSupplier generation, long lentAt) {
        this.shape = shape;
        this.f32 = f32;
        this.f64 = f64;
        this.generation = generation;
        this.lentAt = lentAt;
    }

    /** A program's buffer, valid while {@code generation} still reads {@code lentAt}. */
    static Borrowed of(Shape shape, float[] buffer, LongSupplier generation, long lentAt) {
        return new Borrowed(shape, buffer, null, generation, lentAt);
    }

    /** An immutable tensor seen as a borrowed value; never invalid. */
    static Borrowed of(Tensor t) {
        return t.dtype() == DType.F32 ? new Borrowed(t.shape(), t.f32(), null, () -> 0, 0) : new Borrowed(t.shape(), null, t.f64(), () -> 0, 0);
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return f32 != null ? DType.F32 : DType.F64;
    }

    /** {@code dst[i] = w · v[i]} when {@code accumulate} is false, {@code dst[i] += w · v[i]} when true. */
    public void scaledInto(double w, float[] dst, boolean accumulate) {
        check(dst.length);
        float fw = (float) w;
        if (f32 != null) {
            if (accumulate) {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] += fw * f32[i];
                }
            } else {
                for (int i = 0; i < dst.length; i++) {
                    dst[i] = fw * f32[i];
                }
            }
            return;
        }
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (float) ((accumulate ? dst[i] : 0) + w * f64[i]);
        }
    }

    /** As {@link #scaledInto(double, float[], boolean)} in double precision. */
    public void scaledInto(double w, double[] dst, boolean accumulate) {
        check(dst.length);
        for (int i = 0; i < dst.length; i++) {
            double v = f32 != null ? f32[i] : f64[i];
            dst[i] = (accumulate ? dst[i] : 0) + w * v;
        }
    }

    /** A copy as an immutable tensor. */
    public Tensor copy() {
        check(shape.size());
        return f32 != null ? Tensor.wrap(shape, java.util.Arrays.copyOf(f32, shape.size())) : Tensor.wrap(shape, f64.clone());
    }

    private void check(int length) {
        if (generation.getAsLong() != lentAt) {
            throw new IllegalStateException("a borrowed value was read after its program ran again");
        }
        if (length != shape.size()) {
            throw new IllegalArgumentException("a borrowed value of " + shape.size() + " elements read into " + length);
        }
    }
}
