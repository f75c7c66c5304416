/**
 * Drawing graphs. {@link dev.unfold.viz.UnfoldedView} reads an unfolded graph into rows (inputs, each
 * layer and direction, outputs, losses) and time columns; layouts place the folded and the unfolded
 * graph in the conventions of Deep Learning figs. 10.2-10.3 (time left to right, inputs at the bottom,
 * a delay square on the folded recurrent edge); writers emit text, DOT, SVG and self-contained HTML.
 * May import {@code tensor}, {@code op} and {@code graph} of unfold-core, and the Eclipse Layout Kernel.
 */
package dev.unfold.viz;
