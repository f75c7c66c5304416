package dev.unfold.optim;

import dev.unfold.nn.Parameter;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The common frame of element-wise optimizers: per-parameter slots (momentum, squared averages) kept in
 * the parameter's precision (float32 slots for float32 parameters, as PyTorch keeps them, so the update
 * loop vectorises), a step counter, and an update rule applied element by element.
 */
abstract class SlotOptimizer implements Optimizer {
    private final Map<OptimizerState.Slot, double[]> slots = new HashMap<>();
    private final Map<OptimizerState.Slot, float[]> floatSlots = new HashMap<>();
    private long steps;

    /** Names of the slots this optimizer keeps per parameter. */
    @Override
    public abstract List<String> slotNames();

    /**
     * Updates element {@code i}: reads {@code theta} and {@code g}, may change {@code s[k][i]}, returns the
     * new value. {@code t} is the 1-based step number.
     */
    abstract double update(double theta, double g, double[][] s, int i, long t, double lr);

    /** Called once before the elements of step {@code t} are updated, to precompute what they share. */
    void beginStep(long t) {
    }

    @Override
    public Weights step(Weights params, Gradients grads, double lr) {
        steps++;
        beginStep(steps);
        Map<Parameter, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<Parameter, Tensor> e : params.values().entrySet()) {
            Parameter p = e.getKey();
            out.put(p, grads.has(p) ? updated(p, e.getValue(), grads, lr) : e.getValue());
        }
        return Weights.of(out);
    }

    /**
     * The whole float32 update of one parameter with float32 slots; optimizers override it with a tight
     * loop. This default runs {@link #update} element by element in double precision.
     */
    void updateAll(float[] theta, float[] grad, float[][] s, float[] next, long t, double lr) {
        double[][] one = new double[s.length][1];
        for (int i = 0; i < next.length; i++) {
            for (int k = 0; k < s.length; k++) {
                one[k][0] = s[k][i];
            }
            next[i] = (float) update(theta[i], grad[i], one, 0, t, lr);
            for (int k = 0; k < s.length; k++) {
                s[k][i] = (float) one[k][0];
            }
        }
    }

    private Tensor updated(Parameter param, Tensor p, Gradients grads, double lr) {
        if (p.dtype() == DType.F32 && grads.dtype() == DType.F32) {
            float[] next = new float[p.size()];
            updateAll(p.f32(), grads.f32(param), floatSlotsOf(param, p.size()), next, steps, lr);
            return Tensor.wrap(p.shape(), next);
        }
        double[][] s = slotsOf(param, p.size());
        if (grads.dtype() == DType.F32) {
            float[] g = grads.f32(param);
            return Tensor.generate(p.dtype(), p.shape(), i -> update(p.get(i), g[i], s, i, steps, lr));
        }
        double[] g = grads.f64(param);
        return Tensor.generate(p.dtype(), p.shape(), i -> update(p.get(i), g[i], s, i, steps, lr));
    }

    private double[][] slotsOf(Parameter param, int size) {
        List<String> names = slotNames();
        double[][] s = new double[names.size()][];
        for (int k = 0; k < s.length; k++) {
            OptimizerState.Slot key = new OptimizerState.Slot(names.get(k), param);
            float[] f = floatSlots.remove(key);
            s[k] = slots.computeIfAbsent(key, n -> f != null ? Tensor.wrap(Shape.of(f.length), f).toDoubleArray() : new double[size]);
        }
        return s;
    }

    private float[][] floatSlotsOf(Parameter param, int size) {
        List<String> names = slotNames();
        float[][] s = new float[names.size()][];
        for (int k = 0; k < s.length; k++) {
            OptimizerState.Slot key = new OptimizerState.Slot(names.get(k), param);
            double[] d = slots.remove(key);
            s[k] = floatSlots.computeIfAbsent(key, n -> d != null ? Tensor.wrap(Shape.of(d.length), d).to(DType.F32).f32() : new float[size]);
        }
        return s;
    }

    @Override
    public OptimizerState state() {
        Map<OptimizerState.Slot, Tensor> saved = new HashMap<>();
        slots.forEach((k, v) -> saved.put(k, Tensor.wrap(Shape.of(v.length), v.clone())));
        floatSlots.forEach((k, v) -> saved.put(k, Tensor.wrap(Shape.of(v.length), v.clone())));
        return new OptimizerState(name(), steps, saved);
    }

    @Override
    public void restore(OptimizerState state) {
        if (!state.optimizer().equals(name())) {
            throw new IllegalArgumentException("optimizer state is for " + state.optimizer() + ", not " + name());
        }
        slots.clear();
        floatSlots.clear();
        state.slots().forEach((k, v) -> {
            if (!slotNames().contains(k.name())) {
                throw new IllegalArgumentException(name() + " keeps no slot '" + k.name() + "'; its slots are " + slotNames());
            }
            if (v.size() != k.parameter().shape().size()) {
                throw new IllegalArgumentException("optimizer slot " + k.name() + " of '" + k.parameter().name() + "' has " + v.size()
                        + " elements; the parameter has " + k.parameter().shape().size());
            }
            if (v.dtype() == DType.F32) {
                floatSlots.put(k, v.f32().clone());
            } else {
                slots.put(k, v.toDoubleArray());
            }
        });
        steps = state.steps();
    }

    @Override
    public void reset() {
        slots.clear();
        floatSlots.clear();
        steps = 0;
    }
}
