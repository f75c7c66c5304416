package dev.unfold.spark;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.Serializable;

/** A tensor as a task carries it: its shape and its float32 or float64 values. */
record ArrayPayload(int[] shape, float[] f32, double[] f64) implements Serializable {
    private static final long serialVersionUID = 1L;

    static ArrayPayload of(Tensor t) {
        return t.dtype() == DType.F32 ? new ArrayPayload(t.shape().dims(), t.f32().clone(), null) : new ArrayPayload(t.shape().dims(), null, t.f64().clone());
    }

    Tensor tensor() {
        return f32 != null ? Tensor.wrap(Shape.of(shape), f32.clone()) : Tensor.wrap(Shape.of(shape), f64.clone());
    }

    long bytes() {
        return f32 != null ? 4L * f32.length : 8L * f64.length;
    }
}
