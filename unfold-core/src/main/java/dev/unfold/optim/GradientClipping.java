package dev.unfold.optim;

import dev.unfold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gradient clipping (Deep Learning 10.11.1). By global norm, as PyTorch's {@code clip_grad_norm_}: when
 * {@code ||g|| > c} over all parameters together, every gradient is scaled by {@code c / (||g|| + 1e-6)}.
 * By value: each element is clamped to {@code [−c, c]}.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The norm of all gradients taken together. */
    public static double globalNorm(Map<String, Tensor> grads) {
        double s = 0;
        for (Tensor g : grads.values()) {
            if (g.dtype() == dev.unfold.tensor.DType.F32) {
                for (float v : g.f32()) {
                    s += (double) v * v;
                }
            } else {
                for (double v : g.f64()) {
                    s += v * v;
                }
            }
        }
        return Math.sqrt(s);
    }

    public static Map<String, Tensor> byGlobalNorm(Map<String, Tensor> grads, double maxNorm) {
        double norm = globalNorm(grads);
        if (!(norm > maxNorm)) {
            return grads;
        }
        double scale = maxNorm / (norm + 1e-6);
        return map(grads, v -> v * scale);
    }

    public static Map<String, Tensor> byValue(Map<String, Tensor> grads, double limit) {
        return map(grads, v -> Math.max(-limit, Math.min(limit, v)));
    }

    private static Map<String, Tensor> map(Map<String, Tensor> grads, java.util.function.DoubleUnaryOperator f) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        grads.forEach((k, g) -> out.put(k, Tensor.generate(g.dtype(), g.shape(), i -> f.applyAsDouble(g.get(i)))));
        return out;
    }
}
