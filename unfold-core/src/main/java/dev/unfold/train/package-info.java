/**
 * Running and training models: evaluating a network with its gradients
 * ({@link dev.unfold.train.RecurrentEvaluation}). May import everything below it: {@code tensor},
 * {@code kernel}, {@code op}, {@code graph}, {@code exec}, {@code autodiff}, {@code nn} and {@code io}.
 */
package dev.unfold.train;
