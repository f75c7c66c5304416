package dev.unfold.spark;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One tensor per step, all of one shape, held as a single flat array (with which steps have one): a few objects
 * however long the episode, so that Spark sizes and stores a partition's rows of it quickly.
 */
record StepColumn(int[] shape, boolean[] present, float[] f32, double[] f64) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The steps' tensors, absent where a step has none; all present ones share one shape and precision. */
    static StepColumn of(List<Optional<Tensor>> steps) {
        Tensor first = steps.stream().flatMap(Optional::stream).findFirst().orElse(null);
        boolean[] present = new boolean[steps.size()];
        if (first == null) {
            return new StepColumn(new int[0], present, null, null);
        }
        int size = first.shape().size();
        boolean f32 = first.dtype() == DType.F32;
        float[] fs = f32 ? new float[size * steps.size()] : null;
        double[] ds = f32 ? null : new double[size * steps.size()];
        for (int t = 0; t < steps.size(); t++) {
            Optional<Tensor> x = steps.get(t);
            if (x.isEmpty()) {
                continue;
            }
            Tensor v = x.get();
            if (!v.shape().equals(first.shape()) || v.dtype() != first.dtype()) {
                throw new IllegalArgumentException("step " + t + " holds " + v.shape() + " " + v.dtype() + ", not " + first.shape() + " " + first.dtype());
            }
            present[t] = true;
            if (f32) {
                System.arraycopy(v.f32(), 0, fs, t * size, size);
            } else {
                System.arraycopy(v.f64(), 0, ds, t * size, size);
            }
        }
        return new StepColumn(first.shape().dims(), present, fs, ds);
    }

    int length() {
        return present.length;
    }

    /** Step t's tensor, if it has one. */
    Optional<Tensor> at(int t) {
        if (!present[t]) {
            return Optional.empty();
        }
        int size = Shape.of(shape).size();
        return Optional.of(f32 != null ? Tensor.wrap(Shape.of(shape), Arrays.copyOfRange(f32, t * size, (t + 1) * size))
                : Tensor.wrap(Shape.of(shape), Arrays.copyOfRange(f64, t * size, (t + 1) * size)));
    }

    long bytes() {
        return (f32 != null ? 4L * f32.length : f64 != null ? 8L * f64.length : 0) + present.length;
    }
}
