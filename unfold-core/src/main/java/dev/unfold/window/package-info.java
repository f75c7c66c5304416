/**
 * One window of the unfolded model: its graph ({@link dev.unfold.window.WindowGraph}), how it is fed, and
 * how it runs ({@link dev.unfold.window.WindowRunner}: whole on the calling thread, or split into shards of
 * the batch on threads the runner owns) with its result ({@link dev.unfold.window.WindowRun}). Training,
 * evaluation and benchmarks all run windows through here. May import {@code tensor}, {@code kernel},
 * {@code op}, {@code graph}, {@code exec}, {@code autodiff}, {@code nn}, {@code optim} and {@code data}.
 */
package dev.unfold.window;
