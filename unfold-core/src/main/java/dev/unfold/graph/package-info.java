/**
 * The IR. {@link dev.unfold.graph.Node} and {@link dev.unfold.graph.Graph} are immutable; a
 * {@link dev.unfold.graph.GraphBuilder} makes them. {@link dev.unfold.graph.LoopGraph} is the folded
 * form of a recurrence with binder groups (params, state, x_t) → (state′, y_t), and
 * {@link dev.unfold.graph.Unfolder} turns it into an ordinary DAG over T steps.
 * {@link dev.unfold.graph.Verifier} checks any graph. May import {@code tensor} and {@code op}.
 */
package dev.unfold.graph;
