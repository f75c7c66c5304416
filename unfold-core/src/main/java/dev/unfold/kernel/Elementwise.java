package dev.unfold.kernel;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/** Element-wise maps. Each returns a fresh tensor in the precision of its first argument. */
public final class Elementwise {
    private Elementwise() {
    }

    /** {@code out[i] = f(x[i])}. */
    public static Tensor map(Tensor x, DoubleUnaryOperator f) {
        int n = x.size();
        if (x.dtype() == DType.F32) {
            float[] in = x.f32();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) f.applyAsDouble(in[i]);
            }
            return Tensor.wrap(x.shape(), out);
        }
        double[] in = x.f64();
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(in[i]);
        }
        return Tensor.wrap(x.shape(), out);
    }

    /** {@code out = f(a, b)} with NumPy broadcasting. */
    public static Tensor zip(Tensor a, Tensor b, DoubleBinaryOperator f) {
        Shape shape = Broadcast.shape(a.shape(), b.shape());
        int[] ia = Broadcast.sourceIndex(a.shape(), shape);
        int[] ib = Broadcast.sourceIndex(b.shape(), shape);
        int n = shape.size();
        if (a.dtype() == DType.F32) {
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = (float) f.applyAsDouble(a.get(ia[i]), b.get(ib[i]));
            }
            return Tensor.wrap(shape, out);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = f.applyAsDouble(a.get(ia[i]), b.get(ib[i]));
        }
        return Tensor.wrap(shape, out);
    }

    /** {@code x} repeated to {@code shape} by broadcasting. */
    public static Tensor broadcastTo(Tensor x, Shape shape) {
        int[] src = Broadcast.sourceIndex(x.shape(), shape);
        return Tensor.generate(x.dtype(), shape, i -> x.get(src[i]));
    }

    /** σ(x): exact in float64; in float32 the rational form of {@link Activations}, as every float32 path computes it. */
    public static Tensor sigmoid(Tensor x) {
        if (x.dtype() == DType.F32) {
            float[] out = new float[x.size()];
            Activations.sigmoid(x.f32(), out, out.length);
            return Tensor.wrap(x.shape(), out);
        }
        return map(x, Elementwise::sigmoid);
    }

    /** tanh(x): exact in float64; in float32 the rational form of {@link Activations}. */
    public static Tensor tanh(Tensor x) {
        if (x.dtype() == DType.F32) {
            float[] out = new float[x.size()];
            Activations.tanh(x.f32(), out, out.length);
            return Tensor.wrap(x.shape(), out);
        }
        return map(x, Math::tanh);
    }

    public static double sigmoid(double v) {
        return v >= 0 ? 1.0 / (1.0 + Math.exp(-v)) : Math.exp(v) / (1.0 + Math.exp(v));
    }
}
