/**
 * What a model does with what it learned: the mean loss over episodes ({@link dev.unfold.eval.Evaluation}),
 * a task's score against its baseline ({@link dev.unfold.eval.TaskEvaluation}), text drawn from a character
 * model ({@link dev.unfold.eval.Sampler}), the gradient flow through time ({@link dev.unfold.eval.GradientFlow}),
 * and PyTorch's forward and backward of a recurrent network ({@link dev.unfold.eval.RecurrentEvaluation}).
 * May import {@code tensor}, {@code kernel}, {@code op}, {@code graph}, {@code exec}, {@code autodiff},
 * {@code nn}, {@code io}, {@code data}, {@code window} and {@code store}.
 */
package dev.unfold.eval;
