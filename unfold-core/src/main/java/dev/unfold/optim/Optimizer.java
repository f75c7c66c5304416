package dev.unfold.optim;

import dev.unfold.nn.Weights;

/**
 * Updates parameters from their gradients. Lifecycle: construct, then {@link #step} once per update
 * (the first call creates the per-parameter slots), {@link #state}/{@link #restore} to checkpoint and
 * resume, {@link #reset} to forget all slots.
 */
public interface Optimizer {
    /** {@code adam}, {@code sgd}, ... */
    String name();

    /** The weights after one update with learning rate {@code lr}; parameters without a gradient keep their value. */
    Weights step(Weights params, Gradients grads, double lr);

    /** The names of the slots it keeps per parameter ({@code exp_avg}, {@code exp_avg_sq} for Adam). */
    java.util.List<String> slotNames();

    /** Everything needed to continue: the step count and the slots, by slot name and parameter. */
    OptimizerState state();

    void restore(OptimizerState state);

    void reset();
}
