package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.tensor.Tensor;
import java.util.Map;

/** Runs a graph on fed values. The {@link Interpreter} is the reference; faster executors must agree with it. */
@FunctionalInterface
public interface Executor {
    Values run(Graph graph, Map<String, Tensor> feeds);

    /** The reference semantics. */
    static Executor reference() {
        return Interpreter::run;
    }
}
