package dev.unfold.optim;

import dev.unfold.tensor.Tensor;
import java.util.Map;

/**
 * Updates parameters from their gradients. Lifecycle: construct, then {@link #step} once per update
 * (the first call creates the per-parameter slots), {@link #state}/{@link #restore} to checkpoint and
 * resume, {@link #reset} to forget all slots.
 */
public interface Optimizer {
    /** {@code adam}, {@code sgd}, ... */
    String name();

    /** The parameters after one update with learning rate {@code lr}; names and shapes are kept. */
    Map<String, Tensor> step(Map<String, Tensor> params, Map<String, Tensor> grads, double lr);

    /** Everything needed to continue: the step count and the slots, keyed {@code <slot>/<parameter>}. */
    OptimizerState state();

    void restore(OptimizerState state);

    void reset();
}
