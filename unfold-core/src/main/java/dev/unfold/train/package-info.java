/**
 * Training: the {@link dev.unfold.train.Trainer} that runs truncated-BPTT windows
 * ({@link dev.unfold.train.TruncatedBptt}) and updates the weights, the {@link dev.unfold.train.TrainingPlan}
 * that configures it, and what a run folder records of a run ({@link dev.unfold.train.RunConfig},
 * {@link dev.unfold.train.TrainingState}). May import {@code tensor}, {@code kernel}, {@code op}, {@code graph},
 * {@code exec}, {@code autodiff}, {@code nn}, {@code io}, {@code optim}, {@code data} and {@code window}.
 */
package dev.unfold.train;
