package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Runs a graph on fed values. The {@link Interpreter} is the reference; faster executors must agree with it. */
@FunctionalInterface
public interface Executor {
    /** Runs the graph and keeps the value of every node. */
    Values run(Graph graph, Map<String, Tensor> feeds);

    /**
     * Runs the graph and keeps at least the values of the nodes in {@code keep} and of the graph's named
     * outputs; an executor may free the others as soon as they are used.
     */
    default Values run(Graph graph, Map<String, Tensor> feeds, Set<Integer> keep) {
        return run(graph, feeds);
    }

    /**
     * As {@link #run(Graph, Map, Set)}, keeping also the values in {@code lent}, which the executor may hand
     * out in its own storage instead of copying: they stay valid only until the next run of {@code graph}
     * (a training step reads its gradients before it runs again).
     */
    default Values run(Graph graph, Map<String, Tensor> feeds, Set<Integer> keep, Set<Integer> lent) {
        Set<Integer> all = new java.util.HashSet<>(keep);
        all.addAll(lent);
        return run(graph, feeds, all);
    }

    /** How many independent runs this executor does at once; 1 runs everything on the caller's thread. */
    default int workers() {
        return 1;
    }

    /**
     * Runs independent tasks (each may call {@link #run}) on the workers, and returns their results in
     * order. A task's exception is rethrown as it was thrown.
     */
    default <T> List<T> runAll(List<Supplier<T>> tasks) {
        return tasks.stream().map(Supplier::get).toList();
    }

    /** The reference semantics. */
    static Executor reference() {
        return Interpreter::run;
    }
}
