/**
 * Models as graph builders. A {@link dev.unfold.nn.Cell} declares its parameters and writes one step
 * of its recurrence, in PyTorch's names, shapes and gate order; {@link dev.unfold.nn.RecurrentNetwork}
 * stacks cells into layers and directions and unfolds them. Also {@link dev.unfold.nn.Linear},
 * {@link dev.unfold.nn.Embedding} and {@link dev.unfold.nn.Losses}. May import {@code tensor},
 * {@code op} and {@code graph}.
 */
package dev.unfold.nn;
