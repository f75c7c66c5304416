package dev.unfold.viz;

import dev.unfold.graph.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The folded graph (left) and the unfolded graph (right) as one SVG, after Deep Learning figs. 10.2-10.3:
 * time runs left to right, one column per step; inputs at the bottom, each layer above the one it reads,
 * outputs and losses on top; the folded cell's recurrent edge passes through a black delay square. Each
 * column is a {@code <g class="step" data-step="t">}; nodes and cells carry their name, op and shape as
 * data attributes. Deterministic: the same view gives the same bytes.
 */
public final class SvgDrawing {
    static final double ROW_H = 96;
    static final double STEP_W = 110;
    static final double NODE_R = 19;
    static final double BOX_W = 58;
    static final double BOX_H = 36;
    static final double MARGIN = 40;
    static final double MASK_R = 10;
    /** Beyond this many steps, a detailed drawing shows the middle steps as plain cells. */
    static final int DETAILED_STEPS = 100;

    private final UnfoldedView view;
    private final Detail detail;
    private final CellInterior interior = new CellInterior();
    private final Map<String, double[]> box = new HashMap<>();
    private final Map<Integer, double[]> nodeAt = new HashMap<>();
    private double stepWidth = STEP_W;
    private double rowHeight = ROW_H;
    private double unfoldedX;
    private double height;

    private SvgDrawing(UnfoldedView view, Detail detail) {
        this.view = view;
        this.detail = detail;
    }

    /** The whole drawing as a standalone SVG document. */
    public static String render(UnfoldedView view, Detail detail) {
        return new SvgDrawing(view, detail).draw();
    }

    private String draw() {
        measure();
        double width = unfoldedX + (view.steps() + 1) * stepWidth + MARGIN;
        Svg svg = new Svg();
        svg.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "unfold-graph", "viewBox",
                "0 0 " + Svg.n(width) + " " + Svg.n(height), "width", Svg.n(width), "height", Svg.n(height),
                "data-steps", Integer.toString(view.steps()), "data-step-width", Svg.n(stepWidth));
        svg.raw(STYLE);
        if (!view.masks().isEmpty()) {
            svg.raw(MASK_STYLE);
        }
        svg.raw("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                + "<path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>\n");
        Folded.draw(svg, view, this::rowY);
        drawUnfolded(svg);
        return svg.close("svg").toString();
    }

    private void measure() {
        if (detail == Detail.CELL) {
            for (UnfoldedView.Cell c : view.cells()) {
                CellInterior.Placement p = interior.place(view.graph(), c.nodes());
                stepWidth = Math.max(stepWidth, p.width() + 40);
                rowHeight = Math.max(rowHeight, p.height() + 44);
            }
        }
        unfoldedX = Folded.WIDTH + MARGIN;
        height = view.rows().size() * rowHeight + 2 * MARGIN;
    }

    double rowY(UnfoldedView.Row r) {
        return MARGIN + (view.rows().size() - 1 - r.index()) * rowHeight + rowHeight / 2;
    }

    private double stepX(int t) {
        return unfoldedX + (t + 1) * stepWidth + stepWidth / 2;
    }

    private boolean detailed(int t) {
        return detail == Detail.CELL && (view.steps() <= DETAILED_STEPS || t < 8 || t >= view.steps() - 8);
    }

    private void drawUnfolded(Svg svg) {
        svg.open("g", "class", "unfolded");
        svg.text(unfoldedX + stepWidth, MARGIN - 14, "title", "unfolded over " + view.steps() + " steps");
        drawInitialStates(svg);
        for (int t = 0; t < view.steps(); t++) {
            boolean padded = view.padded(t);
            svg.open("g", "class", padded ? "step padded" : "step", "data-step", Integer.toString(t));
            svg.empty("rect", "class", "step-band", "x", Svg.n(stepX(t) - stepWidth / 2 + 4), "y", Svg.n(MARGIN - 8),
                    "width", Svg.n(stepWidth - 8), "height", Svg.n(height - 2 * MARGIN + 16));
            svg.text(stepX(t), height - MARGIN + 22, "step-label", "t=" + (t + 1));
            if (padded) {
                svg.text(stepX(t), height - MARGIN + 36, "step-label padding", "padding");
            }
            for (UnfoldedView.Row r : view.rows()) {
                int step = t;
                view.cell(r, t).ifPresent(c -> drawCell(svg, c, detailed(step)));
            }
            svg.close("g");
        }
        drawMasks(svg);
        for (int t = 0; t < view.steps(); t++) {
            svg.open("g", "class", "links", "data-step", Integer.toString(t));
            for (UnfoldedView.Link l : view.links()) {
                if (l.to().step() == t) {
                    drawLink(svg, l);
                }
            }
            svg.close("g");
        }
        svg.close("g");
    }

    private void drawInitialStates(Svg svg) {
        svg.open("g", "class", "init");
        for (UnfoldedView.Link l : view.links()) {
            l.initial().ifPresent(n -> {
                UnfoldedView.Row r = l.to().row();
                double x = r.reverse() ? stepX(view.steps()) : unfoldedX + stepWidth / 2;
                double y = rowY(r);
                String key = "init" + n.id();
                if (!box.containsKey(key)) {
                    box.put(key, new double[] {x, y, BOX_W, BOX_H});
                    nodeAt.put(n.id(), new double[] {x, y});
                    svg.open("g", "class", "node init-state", "data-step", Integer.toString(r.reverse() ? view.steps() : -1),
                            "data-node", Integer.toString(n.id()), "data-name", n.name(),
                            "data-op", "initial state", "data-shape", n.shape().toString());
                    svg.empty("rect", "x", Svg.n(x - BOX_W / 2), "y", Svg.n(y - BOX_H / 2), "width", Svg.n(BOX_W), "height", Svg.n(BOX_H), "rx", "6");
                    svg.text(x, y + 5, "label", view.initialLabel(r));
                    svg.close("g");
                }
            });
        }
        svg.close("g");
    }

    /**
     * The masks of a training graph. A variational mask is one node beside its row's initial state, on a
     * line that branches into the cell of every step, as the book would draw a shared parameter as a node:
     * the input's mask below the row, the state's above. A per-step mask sits at a corner of the cell that
     * reads it, on its right: a dropout mask at the top, on the value the cell passes on; a zoneout mask at
     * the bottom.
     */
    private void drawMasks(Svg svg) {
        if (view.masks().isEmpty()) {
            return;
        }
        svg.open("g", "class", "masks");
        Map<String, Integer> besideCell = new HashMap<>();
        Map<String, Integer> besideRow = new HashMap<>();
        for (UnfoldedView.Mask m : view.masks()) {
            if (m.readers().isEmpty()) {
                continue;
            }
            UnfoldedView.Cell first = m.readers().get(0);
            boolean below = m.shared() ? m.symbol().endsWith("ₓ") : m.symbol().equals("z");
            double x;
            double y;
            if (m.shared()) {
                int k = besideRow.merge(first.row().index() + (below ? "b" : "a"), 1, Integer::sum) - 1;
                x = (first.row().reverse() ? stepX(view.steps()) : unfoldedX + stepWidth / 2) - k * (2 * MASK_R + 4);
                y = rowY(first.row()) + (below ? 1 : -1) * (BOX_H / 2 + MASK_R + 6);
            } else {
                int k = besideCell.merge(first.key() + below, 1, Integer::sum) - 1;
                double[] c = box.get(first.key());
                x = c[0] + c[2] / 2 + MASK_R + 3 + k * (2 * MASK_R + 3);
                y = c[1] + (below ? 1 : -1) * (c[3] / 2 - 2);
            }
            String step = m.shared() ? "-1" : Integer.toString(first.step());
            svg.open("g", "class", "node mask" + (m.shared() ? " shared" : ""), "data-step", step, "data-node", Integer.toString(m.node().id()),
                    "data-name", m.node().name(), "data-op", m.shared() ? "mask read by every step" : "mask", "data-shape", m.node().shape().toString());
            svg.empty("circle", "cx", Svg.n(x), "cy", Svg.n(y), "r", Svg.n(MASK_R));
            svg.text(x, y + 4, "mask-label", m.symbol());
            svg.close("g");
            for (UnfoldedView.Cell c : m.readers()) {
                double[] to = target(m, c);
                double ex = to[0] - (to[2] > CellInterior.NODE_W ? to[2] / 4 : 0);
                double ey = to[1] + (below ? 1 : -1) * (to[3] / 2 + 2);
                String d = m.shared()
                        ? "M" + Svg.n(x + MASK_R) + "," + Svg.n(y) + " L" + Svg.n(Math.max(x + MASK_R, ex - 14)) + "," + Svg.n(y)
                                + " Q" + Svg.n(ex) + "," + Svg.n(y) + " " + Svg.n(ex) + "," + Svg.n(ey)
                        : "M" + Svg.n(x - MASK_R) + "," + Svg.n(y) + " L" + Svg.n(to[0] + to[2] / 2 + 2) + "," + Svg.n(y);
                svg.raw("<path class=\"edge mask-edge\" marker-end=\"url(#arrow)\" data-mask=\"" + Svg.escape(m.node().name()) + "\" data-step=\""
                        + c.step() + "\" d=\"" + d + "\"/>\n");
            }
        }
        svg.close("g");
    }

    /** Where a mask's edge ends in a reader: the node that reads it in an opened cell, else the cell. */
    private double[] target(UnfoldedView.Mask m, UnfoldedView.Cell c) {
        for (Node n : c.nodes()) {
            if (n.inputs().contains(m.node().id()) && nodeAt.containsKey(n.id()) && detailed(c.step())) {
                double[] at = nodeAt.get(n.id());
                return new double[] {at[0], at[1], CellInterior.NODE_W, CellInterior.NODE_H};
            }
        }
        return box.get(c.key());
    }

    private void drawCell(Svg svg, UnfoldedView.Cell c, boolean open) {
        double x = stepX(c.step());
        double y = rowY(c.row());
        String name = c.row().scope().isEmpty() ? c.row().kind().name().toLowerCase(java.util.Locale.ROOT) : c.row().scope();
        if (open) {
            CellInterior.Placement p = interior.place(view.graph(), c.nodes());
            double left = x - p.width() / 2;
            double top = y - p.height() / 2;
            box.put(c.key(), new double[] {x, y, p.width() + 16, p.height() + 16});
            svg.open("g", "class", "cell open " + c.row().kind().name().toLowerCase(java.util.Locale.ROOT), "data-cell", c.key(),
                    "data-name", name + " at t=" + (c.step() + 1), "data-row", Integer.toString(c.row().index()));
            svg.empty("rect", "class", "cell-frame", "x", Svg.n(left - 8), "y", Svg.n(top - 8), "width", Svg.n(p.width() + 16),
                    "height", Svg.n(p.height() + 16), "rx", "8");
            List<Node> nodes = c.nodes();
            for (int i = 0; i < nodes.size(); i++) {
                double nx = left + p.x()[i] + CellInterior.NODE_W / 2;
                double ny = top + p.y()[i] + CellInterior.NODE_H / 2;
                nodeAt.put(nodes.get(i).id(), new double[] {nx, ny});
            }
            for (Node n : nodes) {
                for (int in : n.inputs()) {
                    if (nodeAt.containsKey(in) && c.nodes().stream().anyMatch(m -> m.id() == in)) {
                        double[] a = nodeAt.get(in);
                        double[] b = nodeAt.get(n.id());
                        svg.line(a[0], a[1] - CellInterior.NODE_H / 2, b[0], b[1] + CellInterior.NODE_H / 2, "edge inner");
                    }
                }
            }
            for (Node n : nodes) {
                double[] at = nodeAt.get(n.id());
                svg.open("g", "class", "node op", "data-node", Integer.toString(n.id()), "data-name", n.name(), "data-op", n.op().name(),
                        "data-shape", n.shape().toString());
                svg.empty("rect", "x", Svg.n(at[0] - CellInterior.NODE_W / 2), "y", Svg.n(at[1] - CellInterior.NODE_H / 2),
                        "width", Svg.n(CellInterior.NODE_W), "height", Svg.n(CellInterior.NODE_H), "rx", "4");
                svg.text(at[0], at[1] + 4, "op-label", shortLabel(n));
                svg.close("g");
            }
            svg.close("g");
            return;
        }
        boolean round = c.row().kind() != UnfoldedView.Kind.LAYER;
        box.put(c.key(), new double[] {x, y, round ? 2 * NODE_R : BOX_W, round ? 2 * NODE_R : BOX_H});
        Node last = c.nodes().get(c.nodes().size() - 1);
        svg.open("g", "class", "cell " + c.row().kind().name().toLowerCase(java.util.Locale.ROOT), "data-cell", c.key(),
                "data-name", name + " at t=" + (c.step() + 1), "data-node", Integer.toString(last.id()), "data-op",
                c.nodes().size() + " operations", "data-shape", last.shape().toString(), "data-row", Integer.toString(c.row().index()));
        if (round) {
            svg.empty("circle", "cx", Svg.n(x), "cy", Svg.n(y), "r", Svg.n(NODE_R));
        } else {
            svg.empty("rect", "x", Svg.n(x - BOX_W / 2), "y", Svg.n(y - BOX_H / 2), "width", Svg.n(BOX_W), "height", Svg.n(BOX_H), "rx", "6");
        }
        svg.text(x, y + 5, "label", view.label(c.row(), c.step()));
        svg.close("g");
    }

    private void drawLink(Svg svg, UnfoldedView.Link l) {
        double[] to = box.get(l.to().key());
        double[] from = l.from().map(f -> box.get(f.key())).orElseGet(() -> box.get("init" + l.initial().get().id()));
        if (to == null || from == null) {
            return;
        }
        double[] a = edgePoint(from, to);
        double[] b = edgePoint(to, from);
        svg.empty("line", "x1", Svg.n(a[0]), "y1", Svg.n(a[1]), "x2", Svg.n(b[0]), "y2", Svg.n(b[1]), "class", "edge link",
                "marker-end", "url(#arrow)", "data-parameter", l.parameter());
        if (!l.label().isEmpty()) {
            boolean horizontal = Math.abs(a[1] - b[1]) < 1;
            double mx = (a[0] + b[0]) / 2 + (horizontal ? 0 : -9);
            double my = (a[1] + b[1]) / 2 + (horizontal ? -6 : 4);
            svg.raw("<text x=\"" + Svg.n(mx) + "\" y=\"" + Svg.n(my) + "\" class=\"param-label\" data-parameter=\""
                    + Svg.escape(l.parameter()) + "\"><title>" + Svg.escape(l.parameter()) + "</title>" + Svg.escape(l.label()) + "</text>\n");
        }
    }

    /** Where the segment from {@code a}'s centre towards {@code b}'s centre leaves {@code a}'s box. */
    private static double[] edgePoint(double[] a, double[] b) {
        double dx = b[0] - a[0];
        double dy = b[1] - a[1];
        double sx = dx == 0 ? Double.POSITIVE_INFINITY : (a[2] / 2 + 3) / Math.abs(dx);
        double sy = dy == 0 ? Double.POSITIVE_INFINITY : (a[3] / 2 + 3) / Math.abs(dy);
        double s = Math.min(sx, sy);
        return new double[] {a[0] + dx * s, a[1] + dy * s};
    }

    private static String shortLabel(Node n) {
        String local = n.name().substring(n.name().lastIndexOf('/') + 1);
        return local.equals(n.op().name()) || local.length() > 9 ? n.op().name().replace("matmul", "mm") : local + "=" + shortOp(n);
    }

    private static String shortOp(Node n) {
        String op = n.op().name();
        return op.length() > 5 ? op.substring(0, 5) : op;
    }

    static final String STYLE = "<style>"
            + ".unfold-graph{font-family:Helvetica,Arial,sans-serif;background:#fff}"
            + ".unfold-graph .title{font-size:14px;font-weight:bold;fill:#333}"
            + ".unfold-graph .label{font-size:14px;text-anchor:middle;fill:#111}"
            + ".unfold-graph .op-label{font-size:9px;text-anchor:middle;fill:#111}"
            + ".unfold-graph .step-label{font-size:11px;text-anchor:middle;fill:#666}"
            + ".unfold-graph .param-label{font-size:12px;font-style:italic;text-anchor:middle;fill:#7a3b00}"
            + ".unfold-graph .cell circle,.unfold-graph .cell rect,.unfold-graph .node rect{fill:#f4f7fb;stroke:#34495e;stroke-width:1.3}"
            + ".unfold-graph .cell.layer rect,.unfold-graph .folded-node.layer rect{fill:#e8f1fa}"
            + ".unfold-graph .folded-node rect,.unfold-graph .folded-node circle{fill:#f4f7fb;stroke:#34495e;stroke-width:1.3}"
            + ".unfold-graph .cell.loss circle{fill:#fbeeee}"
            + ".unfold-graph .cell-frame{fill:#f8fbff;stroke:#9fb3c8;stroke-dasharray:4 3}"
            + ".unfold-graph .edge{stroke:#34495e;stroke-width:1.2;fill:none}"
            + ".unfold-graph .edge.inner{stroke:#9aa9b8}"
            + ".unfold-graph .arrowhead{fill:#34495e}"
            + ".unfold-graph .folded-node rect.delay{fill:#111;stroke:#111}"
            + ".unfold-graph .step-band{fill:transparent}"
            + ".unfold-graph .step.padded .step-band{fill:#ececec}.unfold-graph .step.padded{opacity:0.55}.unfold-graph .padding{fill:#777}"
            + ".unfold-graph .step.active .step-band{fill:#fff3c4}"
            + ".unfold-graph .step.back .step-band{fill:#fde2e2}"
            + "</style>\n";

    /** Added to a drawing that has masks. */
    static final String MASK_STYLE = "<style>"
            + ".unfold-graph .mask circle{fill:#fff6e0;stroke:#b9770e;stroke-width:1.2}"
            + ".unfold-graph .mask-label{font-size:11px;font-style:italic;text-anchor:middle;fill:#7a4a00}"
            + ".unfold-graph .edge.mask-edge{stroke:#b9770e;stroke-dasharray:4 3}"
            + "</style>\n";
}
