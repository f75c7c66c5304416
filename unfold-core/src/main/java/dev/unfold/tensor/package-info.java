/**
 * Dense row-major tensors: {@link dev.unfold.tensor.Shape}, {@link dev.unfold.tensor.DType} and the
 * immutable {@link dev.unfold.tensor.Tensor}. Imports nothing else of Unfold.
 */
package dev.unfold.tensor;
