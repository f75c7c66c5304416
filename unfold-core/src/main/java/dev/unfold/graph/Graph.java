package dev.unfold.graph;

import dev.unfold.op.Leaf;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable DAG. Node ids are positions, and every input id is smaller than its consumer's, so the
 * id order is a topological order. Named outputs mark the results a caller asked for.
 */
public final class Graph {
    private final List<Node> nodes;
    private final Map<String, Integer> outputs;
    private final List<List<Integer>> consumers;

    Graph(List<Node> nodes, Map<String, Integer> outputs) {
        this.nodes = List.copyOf(nodes);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            users.add(new ArrayList<>());
        }
        for (Node n : nodes) {
            for (int in : n.inputs()) {
                users.get(in).add(n.id());
            }
        }
        this.consumers = users.stream().map(List::copyOf).toList();
    }

    public int size() {
        return nodes.size();
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    /** All nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Ids of the nodes that read node {@code id}, once per use. */
    public List<Integer> consumers(int id) {
        return consumers.get(id);
    }

    public Map<String, Integer> outputs() {
        return outputs;
    }

    /** The node named as output {@code name}. */
    public Node output(String name) {
        Integer id = outputs.get(name);
        if (id == null) {
            throw new IllegalArgumentException("graph has no output '" + name + "'; it has " + outputs.keySet());
        }
        return nodes.get(id);
    }

    /** The nodes of time step {@code t}. */
    public List<Node> stepNodes(int t) {
        return nodes.stream().filter(n -> n.step() == t).toList();
    }

    /** The largest step index plus one; 0 for a graph outside time. */
    public int steps() {
        return nodes.stream().mapToInt(Node::step).max().orElse(Node.NO_STEP) + 1;
    }

    public List<Node> leaves(Leaf.Kind kind) {
        return nodes.stream().filter(n -> n.is(kind)).toList();
    }

    public List<Node> parameters() {
        return leaves(Leaf.Kind.PARAMETER);
    }

    /** The first node with this name. */
    public Optional<Node> find(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
