/**
 * Reverse-mode differentiation as a graph-to-graph transform ({@link dev.unfold.autodiff.Vjp}) and the
 * finite-difference oracle that checks it ({@link dev.unfold.autodiff.GradCheck}). On an unfolded graph
 * this is backpropagation through time. May import {@code tensor}, {@code op}, {@code graph} and
 * {@code exec}.
 */
package dev.unfold.autodiff;
