/**
 * Optimizers and gradient transforms: {@link dev.unfold.optim.Optimizer} with {@link dev.unfold.optim.Sgd},
 * {@link dev.unfold.optim.Adagrad}, {@link dev.unfold.optim.RmsProp}, {@link dev.unfold.optim.Adam}
 * (and AdamW), {@link dev.unfold.optim.GradientClipping} and {@link dev.unfold.optim.LearningRateSchedule}.
 * May import {@code tensor} and {@code kernel}.
 */
package dev.unfold.optim;
