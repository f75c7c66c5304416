package dev.unfold.viz;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * The operations inside one cell laid out bottom to top by the Eclipse Layout Kernel's layered
 * algorithm. Layouts are cached by the cell's structure (its ops and inner edges), which every step of
 * a row shares, so a long sequence costs one layout per row.
 */
final class CellInterior {
    static final double NODE_W = 64;
    static final double NODE_H = 22;
    private final Map<String, Placement> cache = new HashMap<>();

    /** Positions of a cell's nodes relative to its top-left corner, and the cell's size. */
    record Placement(double[] x, double[] y, double width, double height) {
    }

    Placement place(Graph g, List<Node> nodes) {
        return cache.computeIfAbsent(signature(g, nodes), k -> layout(g, nodes));
    }

    private static Placement layout(Graph g, List<Node> nodes) {
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(CoreOptions.DIRECTION, Direction.UP);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 10.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 14.0);
        root.setProperty(CoreOptions.RANDOM_SEED, 1);
        Map<Integer, ElkNode> elk = new HashMap<>();
        for (Node n : nodes) {
            ElkNode e = ElkGraphUtil.createNode(root);
            e.setDimensions(NODE_W, NODE_H);
            elk.put(n.id(), e);
        }
        for (Node n : nodes) {
            for (int in : n.inputs()) {
                if (elk.containsKey(in)) {
                    ElkGraphUtil.createSimpleEdge(elk.get(in), elk.get(n.id()));
                }
            }
        }
        new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());
        double[] x = new double[nodes.size()];
        double[] y = new double[nodes.size()];
        double w = 0;
        double h = 0;
        for (int i = 0; i < nodes.size(); i++) {
            ElkNode e = elk.get(nodes.get(i).id());
            x[i] = e.getX();
            y[i] = e.getY();
            w = Math.max(w, e.getX() + NODE_W);
            h = Math.max(h, e.getY() + NODE_H);
        }
        return new Placement(x, y, w, h);
    }

    private static String signature(Graph g, List<Node> nodes) {
        Map<Integer, Integer> local = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            local.put(nodes.get(i).id(), i);
        }
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append(n.op().name()).append('(');
            for (int in : n.inputs()) {
                sb.append(local.getOrDefault(in, -1)).append(',');
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
