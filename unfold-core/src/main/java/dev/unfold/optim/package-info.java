/**
 * Optimizers and what they read: {@link dev.unfold.optim.Optimizer} with {@link dev.unfold.optim.Sgd},
 * {@link dev.unfold.optim.Adagrad}, {@link dev.unfold.optim.RmsProp} and {@link dev.unfold.optim.Adam} (and
 * AdamW), chosen by an {@link dev.unfold.optim.OptimizerConfig}; the gradient sink
 * {@link dev.unfold.optim.Gradients}; {@link dev.unfold.optim.Clipping} and
 * {@link dev.unfold.optim.LearningRateSchedule}. Parameters are known by their {@code nn} handles. May import
 * {@code tensor}, {@code kernel} and {@code nn}.
 */
package dev.unfold.optim;
