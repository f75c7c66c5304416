package dev.unfold.viz;

import dev.unfold.graph.Graph;
import dev.unfold.graph.LoopGraph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.op.Leaf;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Plain-text listings of a folded graph and of an unfolded graph. */
public final class TextListing {
    private TextListing() {
    }

    /** The folded graph: binder groups, the cell's operations, its outputs and its delay edges. */
    public static String folded(LoopGraph loop) {
        Graph body = loop.body();
        StringBuilder sb = new StringBuilder();
        sb.append("folded graph '").append(loop.name()).append("': ").append(loop.operations().size()).append(" operations\n");
        sb.append("  params    ").append(leaves(body, loop.params())).append('\n');
        if (!loop.shared().isEmpty()) {
            sb.append("  shared    ").append(leaves(body, loop.shared())).append(" (the same at every step)\n");
        }
        sb.append("  state in  ").append(leaves(body, loop.stateIn())).append('\n');
        sb.append("  inputs    ").append(leaves(body, loop.inputs())).append('\n');
        sb.append("  operations\n");
        for (Node n : loop.operations()) {
            sb.append(String.format("    %%%-3d %-8s = %s(%s) %s%n", n.id(), n.name(), n.op().name(), args(n), n.shape()));
        }
        sb.append("  state out ").append(refs(body, loop.stateOut())).append('\n');
        sb.append("  outputs   ").append(refs(body, loop.outputs())).append('\n');
        sb.append("  delay edges (state out at step t feeds state in at step t+1)\n");
        for (int[] e : loop.delayEdges()) {
            sb.append("    %").append(e[0]).append(' ').append(body.node(e[0]).name())
                    .append(" --[delay]--> %").append(e[1]).append(' ').append(body.node(e[1]).name()).append('\n');
        }
        return sb.toString();
    }

    /** The unfolded graph: per-step groups of operations and each shared parameter with its uses. */
    public static String unfolded(Graph g) {
        StringBuilder sb = new StringBuilder();
        List<Node> params = g.parameters();
        sb.append("unfolded graph: ").append(g.steps()).append(" steps, ").append(g.size()).append(" nodes, ")
                .append(params.size()).append(" parameters\n");
        List<Node> outside = g.stepNodes(Node.NO_STEP);
        sb.append("  outside time: ").append(outside.stream().filter(n -> !n.is(Leaf.Kind.PARAMETER) && n.role().kind() != Role.Kind.MASK)
                .map(Node::name).collect(Collectors.joining(", "))).append('\n');
        for (int t = 0; t < g.steps(); t++) {
            List<Node> step = g.stepNodes(t);
            Map<String, Long> byScope = step.stream().filter(n -> !(n.op() instanceof Leaf))
                    .collect(Collectors.groupingBy(TextListing::scopeOf, TreeMap::new, Collectors.counting()));
            sb.append("  step ").append(t).append(": ").append(step.size()).append(" nodes");
            byScope.forEach((scope, count) -> sb.append("; ").append(scope.isEmpty() ? "(top)" : scope).append(' ').append(count).append(" ops"));
            sb.append('\n');
            for (Node n : step) {
                sb.append(String.format("    %%%-5d %-16s = %s(%s) %s%n", n.id(), n.name(), n.op().name(), args(n), n.shape()));
            }
        }
        sb.append("  shared parameters\n");
        for (Node p : params) {
            sb.append(String.format("    %-22s %-10s %s%n", p.name(), p.shape(), uses(g, p)));
        }
        List<Node> shared = outside.stream().filter(n -> n.role().kind() == Role.Kind.MASK).toList();
        if (!shared.isEmpty()) {
            sb.append("  shared masks (one per sequence, read by every step)\n");
            for (Node m : shared) {
                sb.append(String.format("    %-22s %-10s %s%n", m.name(), m.shape(), uses(g, m)));
            }
        }
        return sb.toString();
    }

    private static String uses(Graph g, Node n) {
        List<Integer> users = g.consumers(n.id());
        String steps = users.stream().map(u -> g.node(u).step()).distinct().sorted().map(String::valueOf).collect(Collectors.joining(","));
        return users.size() + " uses, steps " + steps;
    }

    private static String scopeOf(Node n) {
        int slash = n.name().lastIndexOf('/');
        return slash < 0 ? "" : n.name().substring(0, slash);
    }

    private static String leaves(Graph body, List<Integer> ids) {
        return ids.stream().map(id -> body.node(id).name() + " " + body.node(id).shape()).collect(Collectors.joining(", "));
    }

    private static String refs(Graph body, List<Integer> ids) {
        return ids.stream().map(id -> body.node(id).name() + " (%" + id + ")").collect(Collectors.joining(", "));
    }

    private static String args(Node n) {
        return n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", "));
    }
}
