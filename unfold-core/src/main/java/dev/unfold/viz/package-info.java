/**
 * Drawing and listing graphs: reads a {@link dev.unfold.graph.Graph} or
 * {@link dev.unfold.graph.LoopGraph} and writes text (and, later, DOT, SVG and HTML). May import
 * {@code tensor}, {@code op} and {@code graph}.
 */
package dev.unfold.viz;
