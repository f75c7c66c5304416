package dev.unfold.viz;

import dev.unfold.graph.Node;
import java.util.Locale;

/**
 * The folded and the unfolded graph in Graphviz's DOT language: the folded cell in one cluster with its
 * delay node, each time step in a cluster of its own, links labelled with their parameter.
 */
public final class DotWriter {
    private DotWriter() {
    }

    public static String write(UnfoldedView view, Detail detail) {
        StringBuilder sb = new StringBuilder("digraph unfold {\n  rankdir=BT;\n  newrank=true;\n  node [fontname=\"Helvetica\"];\n"
                + "  edge [fontname=\"Helvetica\", fontsize=10];\n");
        folded(sb, view);
        for (int t = 0; t < view.steps(); t++) {
            sb.append("  subgraph cluster_step_").append(t).append(" {\n    label=\"t=").append(t + 1).append("\";\n    color=\"#cccccc\";\n");
            for (UnfoldedView.Row r : view.rows()) {
                int step = t;
                view.cell(r, t).ifPresent(c -> cell(sb, view, c, detail));
            }
            sb.append("  }\n");
        }
        for (UnfoldedView.Link l : view.links()) {
            String from = l.from().map(c -> endpoint(c, detail, true)).orElseGet(() -> "init_" + l.initial().get().id());
            l.initial().ifPresent(n -> sb.append("  init_").append(n.id()).append(" [label=\"").append(esc(n.name()))
                    .append("\", shape=box, style=rounded];\n"));
            sb.append("  ").append(from).append(" -> ").append(endpoint(l.to(), detail, false));
            if (!l.label().isEmpty()) {
                sb.append(" [label=\"").append(esc(l.label())).append("\", tooltip=\"").append(esc(l.parameter())).append("\"]");
            }
            sb.append(";\n");
        }
        masks(sb, view, detail);
        return sb.append("}\n").toString();
    }

    /** Mask nodes, dashed: a variational mask once, with an edge to the cell of every step that reads it. */
    private static void masks(StringBuilder sb, UnfoldedView view, Detail detail) {
        for (UnfoldedView.Mask m : view.masks()) {
            sb.append("  mask_").append(m.node().id()).append(" [label=\"").append(esc(m.symbol())).append("\", tooltip=\"")
                    .append(esc(m.node().name() + " " + m.node().shape())).append("\", shape=circle, style=dashed, color=\"#b9770e\"];\n");
            for (UnfoldedView.Cell c : m.readers()) {
                String to = detail == Detail.CELL ? c.nodes().stream().filter(n -> n.inputs().contains(m.node().id())).findFirst()
                        .map(n -> "n" + n.id()).orElse(endpoint(c, detail, false)) : endpoint(c, detail, false);
                sb.append("  mask_").append(m.node().id()).append(" -> ").append(to).append(" [style=dashed, color=\"#b9770e\"];\n");
            }
        }
    }

    private static void folded(StringBuilder sb, UnfoldedView view) {
        sb.append("  subgraph cluster_folded {\n    label=\"folded\";\n");
        UnfoldedView.Row previous = null;
        for (UnfoldedView.Row r : view.rows()) {
            String id = "folded_" + r.index();
            sb.append("    ").append(id).append(" [label=\"").append(r.symbol()).append(r.reverse() ? " (reverse)" : "")
                    .append(r.kind() == UnfoldedView.Kind.LAYER && view.multiLayer() ? " " + (r.layer() + 1) : "").append("\", shape=")
                    .append(r.kind() == UnfoldedView.Kind.LAYER ? "box, style=rounded" : "circle").append("];\n");
            if (r.kind() == UnfoldedView.Kind.LAYER) {
                sb.append("    delay_").append(r.index()).append(" [label=\"\", shape=square, style=filled, fillcolor=black, width=0.15];\n");
                sb.append("    ").append(id).append(" -> delay_").append(r.index()).append(" [label=\"W\"];\n");
                sb.append("    delay_").append(r.index()).append(" -> ").append(id).append(";\n");
            }
            if (previous != null) {
                sb.append("    folded_").append(previous.index()).append(" -> ").append(id).append(";\n");
            }
            previous = r;
        }
        sb.append("  }\n");
    }

    private static void cell(StringBuilder sb, UnfoldedView view, UnfoldedView.Cell c, Detail detail) {
        if (detail == Detail.CELL) {
            sb.append("    subgraph cluster_cell_").append(c.row().index()).append('_').append(c.step()).append(" {\n      label=\"\";\n      style=dashed;\n");
            for (Node n : c.nodes()) {
                sb.append("      n").append(n.id()).append(" [label=\"").append(esc(n.op().name())).append("\", tooltip=\"")
                        .append(esc(n.name() + " " + n.shape())).append("\", shape=box, fontsize=9];\n");
            }
            for (Node n : c.nodes()) {
                for (int in : n.inputs()) {
                    if (c.nodes().stream().anyMatch(m -> m.id() == in)) {
                        sb.append("      n").append(in).append(" -> n").append(n.id()).append(";\n");
                    }
                }
            }
            sb.append("    }\n");
            return;
        }
        sb.append("    ").append(cellId(c)).append(" [label=\"").append(esc(view.label(c.row(), c.step()))).append("\", shape=")
                .append(c.row().kind() == UnfoldedView.Kind.LAYER ? "box, style=rounded" : "circle").append("];\n");
    }

    private static String endpoint(UnfoldedView.Cell c, Detail detail, boolean source) {
        if (detail == Detail.CELL) {
            Node n = source ? c.nodes().get(c.nodes().size() - 1) : c.nodes().get(0);
            return "n" + n.id();
        }
        return cellId(c);
    }

    private static String cellId(UnfoldedView.Cell c) {
        return String.format(Locale.ROOT, "c%d_%d", c.row().index(), c.step());
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
