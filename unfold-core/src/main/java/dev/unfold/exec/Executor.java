package dev.unfold.exec;

import dev.unfold.graph.Graph;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs a graph on fed values, on the calling thread. The {@link Interpreter} is the reference; faster
 * executors must agree with it. Splitting work across threads belongs to whoever calls an executor.
 */
@FunctionalInterface
public interface Executor {
    /** Runs the graph and keeps the value of every node. */
    Values run(Graph graph, Feeds feeds);

    /**
     * Runs the graph and keeps at least the values of the nodes in {@code keep} and of the graph's named
     * outputs; an executor may free the others as soon as they are used.
     */
    default Values run(Graph graph, Feeds feeds, Set<Integer> keep) {
        return run(graph, feeds);
    }

    /**
     * As {@link #run(Graph, Feeds, Set)}, writing the values of the sink's nodes into the sink's arrays; a
     * compiled executor computes them there in place.
     */
    default Values run(Graph graph, Feeds feeds, Set<Integer> keep, Sink sink) {
        Set<Integer> all = new HashSet<>(keep);
        all.addAll(sink.nodes());
        Values v = run(graph, feeds, all);
        for (int id : sink.nodes()) {
            Interpreter.copyInto(v.get(id), id, sink);
        }
        return v;
    }

    /** The reference semantics. */
    static Executor reference() {
        return Interpreter::run;
    }
}
