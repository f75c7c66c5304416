/**
 * Static loops over tensor storage: {@link dev.unfold.kernel.Gemm}, {@link dev.unfold.kernel.Elementwise},
 * {@link dev.unfold.kernel.Reduce}, {@link dev.unfold.kernel.Layout}, {@link dev.unfold.kernel.Rows}. Inputs
 * are never modified; outputs are either returned fresh or passed in and returned. No graph knowledge.
 * May import {@code tensor} only.
 */
package dev.unfold.kernel;
