/**
 * OpenBLAS behind unfold-core's {@link dev.unfold.kernel.GemmBackend}: the native jar of the bytedeco
 * presets for linux-x86_64. Elsewhere it reports itself unusable and the pure-Java kernel runs.
 */
package dev.unfold.blas;
