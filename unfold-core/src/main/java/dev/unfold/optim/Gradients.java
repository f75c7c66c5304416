package dev.unfold.optim;

import dev.unfold.nn.Parameter;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gradient sink: one buffer per parameter, allocated once and written by every update (a program's
 * gradients are read into it, clipping scales it in place, the optimizer reads it). Owned by whoever runs
 * the updates; unlike a {@link Tensor}, its contents change.
 */
public final class Gradients {
    private final Map<Parameter, float[]> f32 = new LinkedHashMap<>();
    private final Map<Parameter, double[]> f64 = new LinkedHashMap<>();
    private final List<Parameter> order;

    /** Zeroed buffers for {@code params} in {@code dtype}. */
    public Gradients(List<Parameter> params, DType dtype) {
        this.order = List.copyOf(params);
        for (Parameter p : params) {
            if (dtype == DType.F32) {
                f32.put(p, new float[p.shape().size()]);
            } else {
                f64.put(p, new double[p.shape().size()]);
            }
        }
    }

    /** A sink holding copies of {@code values}, for tests and tools. */
    public static Gradients of(Map<Parameter, Tensor> values) {
        DType dtype = values.values().stream().findFirst().map(Tensor::dtype).orElse(DType.F32);
        Gradients g = new Gradients(List.copyOf(values.keySet()), dtype);
        values.forEach((p, t) -> {
            if (dtype == DType.F32) {
                System.arraycopy(t.to(DType.F32).f32(), 0, g.f32(p), 0, t.size());
            } else {
                System.arraycopy(t.to(DType.F64).f64(), 0, g.f64(p), 0, t.size());
            }
        });
        return g;
    }

    public List<Parameter> parameters() {
        return order;
    }

    /** Whether the sink holds a buffer for {@code p}. */
    public boolean has(Parameter p) {
        return f32.containsKey(p) || f64.containsKey(p);
    }

    public DType dtype() {
        return f32.isEmpty() && !f64.isEmpty() ? DType.F64 : DType.F32;
    }

    /** The float32 buffer of {@code p}, to write or read in place. */
    public float[] f32(Parameter p) {
        float[] b = f32.get(p);
        if (b == null) {
            throw new IllegalArgumentException("no float32 gradient buffer for '" + p.name() + "'");
        }
        return b;
    }

    /** The float64 buffer of {@code p}, to write or read in place. */
    public double[] f64(Parameter p) {
        double[] b = f64.get(p);
        if (b == null) {
            throw new IllegalArgumentException("no float64 gradient buffer for '" + p.name() + "'");
        }
        return b;
    }

    /** Sets every buffer to 0. */
    public void zero() {
        f32.values().forEach(b -> java.util.Arrays.fill(b, 0f));
        f64.values().forEach(b -> java.util.Arrays.fill(b, 0.0));
    }

    /** The norm of all gradients taken together. */
    public double globalNorm() {
        double s = 0;
        for (float[] b : f32.values()) {
            s += sumOfSquares(b);
        }
        for (double[] b : f64.values()) {
            s += sumOfSquares(b);
        }
        return Math.sqrt(s);
    }

    /**
     * Σ x², in double, in eight chains: one chain waits on each add (four cycles), eight keep both adders busy (the
     * norm of lstm_h256's 350,000 gradients took 0.36 ms a window in one chain).
     */
    static double sumOfSquares(float[] x) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 7 < x.length; i += 8) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
            s4 += (double) x[i + 4] * x[i + 4];
            s5 += (double) x[i + 5] * x[i + 5];
            s6 += (double) x[i + 6] * x[i + 6];
            s7 += (double) x[i + 7] * x[i + 7];
        }
        for (; i < x.length; i++) {
            s0 += (double) x[i] * x[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    static double sumOfSquares(double[] x) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < x.length; i += 4) {
            s0 += x[i] * x[i];
            s1 += x[i + 1] * x[i + 1];
            s2 += x[i + 2] * x[i + 2];
            s3 += x[i + 3] * x[i + 3];
        }
        for (; i < x.length; i++) {
            s0 += x[i] * x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Adds {@code g} to the gradient of {@code p}, in place (as gradients summed over the pieces of a window). */
    public void add(Parameter p, Tensor g) {
        if (f32.containsKey(p)) {
            float[] dst = f32(p);
            float[] src = g.f32();
            for (int i = 0; i < dst.length; i++) {
                dst[i] += src[i];
            }
        } else {
            double[] dst = f64(p);
            double[] src = g.f64();
            for (int i = 0; i < dst.length; i++) {
                dst[i] += src[i];
            }
        }
    }

    /** Adds every gradient of {@code other} (the same parameters) to this one's, in place. */
    public void add(Gradients other) {
        for (Map.Entry<Parameter, float[]> e : f32.entrySet()) {
            float[] dst = e.getValue();
            float[] src = other.f32(e.getKey());
            for (int i = 0; i < dst.length; i++) {
                dst[i] += src[i];
            }
        }
        for (Map.Entry<Parameter, double[]> e : f64.entrySet()) {
            double[] dst = e.getValue();
            double[] src = other.f64(e.getKey());
            for (int i = 0; i < dst.length; i++) {
                dst[i] += src[i];
            }
        }
    }

    /** Multiplies every gradient by {@code factor}, in place. */
    public void scale(double factor) {
        for (float[] b : f32.values()) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (b[i] * factor);
            }
        }
        for (double[] b : f64.values()) {
            for (int i = 0; i < b.length; i++) {
                b[i] *= factor;
            }
        }
    }

    /** Clamps every element to {@code [−limit, limit]}, in place. */
    public void clamp(double limit) {
        for (float[] b : f32.values()) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) Math.max(-limit, Math.min(limit, b[i]));
            }
        }
        for (double[] b : f64.values()) {
            for (int i = 0; i < b.length; i++) {
                b[i] = Math.max(-limit, Math.min(limit, b[i]));
            }
        }
    }

    /** A copy of the gradient of {@code p} as a tensor. */
    public Tensor copyOf(Parameter p) {
        return f32.containsKey(p) ? Tensor.wrap(p.shape(), f32(p).clone()) : Tensor.wrap(p.shape(), f64(p).clone());
    }

    /** Copies of every gradient, by parameter. */
    public Map<Parameter, Tensor> copies() {
        Map<Parameter, Tensor> out = new LinkedHashMap<>();
        order.forEach(p -> out.put(p, copyOf(p)));
        return Collections.unmodifiableMap(out);
    }
}
