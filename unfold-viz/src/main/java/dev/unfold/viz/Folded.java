package dev.unfold.viz;

import java.util.function.ToDoubleFunction;

/**
 * The folded graph on the left of the drawing: one node per row, links between rows labelled with their
 * parameter, and on each recurrent row the loop through a black square, the book's one-step delay.
 */
final class Folded {
    static final double WIDTH = 190;
    static final double X = 95;

    private Folded() {
    }

    /** A layer's variational masks beside it: the folded cell reads the same mask at every step. */
    private static void drawSharedMasks(Svg svg, UnfoldedView view, UnfoldedView.Row r, double y) {
        int i = 0;
        for (UnfoldedView.Mask m : view.masks()) {
            if (m.shared() && !m.readers().isEmpty() && m.readers().get(0).row().index() == r.index()) {
                double my = y + (m.symbol().endsWith("ₓ") ? 14 : -14) + (i++ > 1 ? 28 : 0);
                double mx = X - 62;
                svg.open("g", "class", "node mask shared", "data-name", m.node().name(), "data-op", "mask read by every step",
                        "data-shape", m.node().shape().toString());
                svg.empty("circle", "cx", Svg.n(mx), "cy", Svg.n(my), "r", Svg.n(SvgDrawing.MASK_R));
                svg.text(mx, my + 4, "mask-label", m.symbol());
                svg.close("g");
                svg.empty("line", "x1", Svg.n(mx + SvgDrawing.MASK_R + 2), "y1", Svg.n(my), "x2", Svg.n(X - 31), "y2", Svg.n(my),
                        "class", "edge mask-edge", "marker-end", "url(#arrow)");
            }
        }
    }

    static void draw(Svg svg, UnfoldedView view, ToDoubleFunction<UnfoldedView.Row> rowY) {
        svg.open("g", "class", "folded");
        svg.text(X, SvgDrawing.MARGIN - 14, "title", "folded");
        UnfoldedView.Row previous = null;
        for (UnfoldedView.Row r : view.rows()) {
            double y = rowY.applyAsDouble(r);
            if (previous != null) {
                double py = rowY.applyAsDouble(previous);
                svg.empty("line", "x1", Svg.n(X), "y1", Svg.n(py - 22), "x2", Svg.n(X), "y2", Svg.n(y + 22), "class", "edge", "marker-end", "url(#arrow)");
            }
            boolean layer = r.kind() == UnfoldedView.Kind.LAYER;
            String label = r.symbol() + (view.multiLayer() && layer ? UnfoldedView.subscript(r.layer() + 1) : "") + (r.reverse() ? " ←" : "");
            svg.open("g", "class", "folded-node " + r.kind().name().toLowerCase(java.util.Locale.ROOT), "data-name",
                    r.scope().isEmpty() ? r.kind().name().toLowerCase(java.util.Locale.ROOT) : r.scope(), "data-op", "folded " + r.symbol());
            if (layer) {
                svg.empty("rect", "x", Svg.n(X - 29), "y", Svg.n(y - 18), "width", "58", "height", "36", "rx", "6", "class", "cell-shape");
                double loopX = X + 58;
                svg.raw("<path class=\"edge\" marker-end=\"url(#arrow)\" d=\"M" + Svg.n(X + 29) + "," + Svg.n(y - 6) + " L" + Svg.n(loopX) + ","
                        + Svg.n(y - 6) + " L" + Svg.n(loopX) + "," + Svg.n(y - 34) + " L" + Svg.n(X + 16) + "," + Svg.n(y - 34) + " L" + Svg.n(X + 16) + ","
                        + Svg.n(y - 21) + "\"/>\n");
                svg.empty("rect", "class", "delay", "x", Svg.n(loopX - 6), "y", Svg.n(y - 26), "width", "12", "height", "12");
                svg.text(loopX + 16, y - 16, "param-label", "W" + (view.multiLayer() ? UnfoldedView.subscript(r.layer() + 1) : ""));
            } else {
                svg.empty("circle", "cx", Svg.n(X), "cy", Svg.n(y), "r", Svg.n(SvgDrawing.NODE_R), "class", "cell-shape");
            }
            svg.text(X, y + 5, "label", label);
            svg.close("g");
            drawSharedMasks(svg, view, r, y);
            previous = r;
        }
        svg.close("g");
    }
}
