package dev.unfold.optim;

import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common frame of element-wise optimizers: per-parameter slots (momentum, squared averages) kept in
 * double precision, a step counter, and an update rule applied element by element.
 */
abstract class SlotOptimizer implements Optimizer {
    private final Map<String, double[]> slots = new HashMap<>();
    private long steps;

    /** Names of the slots this optimizer keeps per parameter. */
    abstract List<String> slotNames();

    /**
     * Updates element {@code i}: reads {@code theta} and {@code g}, may change {@code s[k][i]}, returns the
     * new value. {@code t} is the 1-based step number.
     */
    abstract double update(double theta, double g, double[][] s, int i, long t, double lr);

    /** Called once before the elements of step {@code t} are updated, to precompute what they share. */
    void beginStep(long t) {
    }

    @Override
    public Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr) {
        steps++;
        beginStep(steps);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Tensor p = e.getValue();
            Tensor g = grads.get(e.getKey());
            if (g == null) {
                out.put(e.getKey(), p);
                continue;
            }
            double[][] s = slotsOf(e.getKey(), p.size());
            out.put(e.getKey(), updated(p, g, s, lr));
        }
        return out;
    }

    /** The whole float32 update of one parameter; optimizers may override it with a tighter loop. */
    void updateAll(float[] theta, float[] grad, double[][] s, float[] next, long t, double lr) {
        for (int i = 0; i < next.length; i++) {
            next[i] = (float) update(theta[i], grad[i], s, i, t, lr);
        }
    }

    private Tensor updated(Tensor p, Tensor g, double[][] s, double lr) {
        if (p.dtype() == dev.unfold.tensor.DType.F32 && g.dtype() == dev.unfold.tensor.DType.F32) {
            float[] next = new float[p.size()];
            updateAll(p.f32(), g.f32(), s, next, steps, lr);
            return Tensor.wrap(p.shape(), next);
        }
        return Tensor.generate(p.dtype(), p.shape(), i -> update(p.get(i), g.get(i), s, i, steps, lr));
    }

    private double[][] slotsOf(String param, int size) {
        List<String> names = slotNames();
        double[][] s = new double[names.size()][];
        for (int k = 0; k < s.length; k++) {
            s[k] = slots.computeIfAbsent(names.get(k) + "/" + param, n -> new double[size]);
        }
        return s;
    }

    @Override
    public OptimizerState state() {
        Map<String, Tensor> saved = new HashMap<>();
        slots.forEach((k, v) -> saved.put(k, Tensor.wrap(dev.unfold.tensor.Shape.of(v.length), v.clone())));
        return new OptimizerState(name(), steps, saved);
    }

    @Override
    public void restore(OptimizerState state) {
        if (!state.optimizer().equals(name())) {
            throw new IllegalArgumentException("optimizer state is for " + state.optimizer() + ", not " + name());
        }
        slots.clear();
        state.slots().forEach((k, v) -> slots.put(k, v.toDoubleArray()));
        steps = state.steps();
    }

    @Override
    public void reset() {
        slots.clear();
        steps = 0;
    }
}
