package dev.unfold.tensor;

import java.util.Random;
import java.util.function.IntToDoubleFunction;

/**
 * An immutable dense row-major tensor of float32 or float64 elements.
 *
 * <p>Storage is one contiguous primitive array, so a kernel can run over it without copying and a
 * native path can pin or copy it in one block. Nothing mutates the array after construction: the
 * factories that take an array ({@link #wrap(Shape, float[])}) take ownership of it.
 */
public final class Tensor {
    private final Shape shape;
    private final DType dtype;
    private final float[] f32;
    private final double[] f64;

    private Tensor(Shape shape, float[] f32, double[] f64) {
        this.shape = shape;
        this.f32 = f32;
        this.f64 = f64;
        this.dtype = f32 != null ? DType.F32 : DType.F64;
        int n = f32 != null ? f32.length : f64.length;
        if (n != shape.size()) {
            throw new IllegalArgumentException("shape " + shape + " needs " + shape.size() + " elements, got " + n);
        }
    }

    /** A float32 tensor owning {@code data}; the caller must not modify it afterwards. */
    public static Tensor wrap(Shape shape, float[] data) {
        return new Tensor(shape, data, null);
    }

    /** A float64 tensor owning {@code data}; the caller must not modify it afterwards. */
    public static Tensor wrap(Shape shape, double[] data) {
        return new Tensor(shape, null, data);
    }

    public static Tensor zeros(DType dtype, Shape shape) {
        return dtype == DType.F32 ? wrap(shape, new float[shape.size()]) : wrap(shape, new double[shape.size()]);
    }

    public static Tensor full(DType dtype, Shape shape, double value) {
        return generate(dtype, shape, i -> value);
    }

    public static Tensor scalar(DType dtype, double value) {
        return full(dtype, Shape.scalar(), value);
    }

    /** A tensor whose flat element {@code i} is {@code f(i)}. */
    public static Tensor generate(DType dtype, Shape shape, IntToDoubleFunction f) {
        int n = shape.size();
        if (dtype == DType.F32) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) f.applyAsDouble(i);
            }
            return wrap(shape, a);
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = f.applyAsDouble(i);
        }
        return wrap(shape, a);
    }

    /** Uniform on [lo, hi), drawn from {@code rng}. */
    public static Tensor uniform(DType dtype, Shape shape, double lo, double hi, Random rng) {
        return generate(dtype, shape, i -> lo + (hi - lo) * rng.nextDouble());
    }

    public Shape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int size() {
        return shape.size();
    }

    /** Flat element {@code i} as a double. */
    public double get(int i) {
        return f32 != null ? f32[i] : f64[i];
    }

    /** The backing float32 array, read-only by contract. Fails for float64 tensors. */
    public float[] f32() {
        if (f32 == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        return f32;
    }

    /** The backing float64 array, read-only by contract. Fails for float32 tensors. */
    public double[] f64() {
        if (f64 == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F64");
        }
        return f64;
    }

    /** A copy of the elements as doubles. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** This tensor in {@code target} precision (itself when it already is). */
    public Tensor to(DType target) {
        return target == dtype ? this : generate(target, shape, this::get);
    }

    /** The same elements viewed under another shape of equal size. */
    public Tensor reshape(Shape newShape) {
        return f32 != null ? wrap(newShape, f32) : wrap(newShape, f64);
    }

    /** A copy with flat element {@code i} replaced, for finite differences. */
    public Tensor withElement(int i, double value) {
        if (f32 != null) {
            float[] a = f32.clone();
            a[i] = (float) value;
            return wrap(shape, a);
        }
        double[] a = f64.clone();
        a[i] = value;
        return wrap(shape, a);
    }

    /** Euclidean norm of all elements. */
    public double norm() {
        double s = 0;
        for (int i = 0; i < size(); i++) {
            s += get(i) * get(i);
        }
        return Math.sqrt(s);
    }

    @Override
    public String toString() {
        return TensorFormat.describe(this);
    }
}
