package dev.unfold.exec;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** How many times each kind of unit ran in a compiled, profiled run: what the rewrites' tests count. */
final class ProfiledRuns {
    private ProfiledRuns() {
    }

    static Map<String, Long> of(ExecutionProfile profile) {
        Map<String, Long> runs = new HashMap<>();
        profile.entries().forEach(e -> runs.put(e.kind(), e.runs()));
        return runs;
    }

    /** The runs of one compiled run of {@code g}'s loss and every parameter's gradient. */
    static Map<String, Long> ofGradients(Graph g, Map<String, Tensor> feeds) {
        Vjp.Gradients grads = Vjp.of(g, "loss");
        Set<Integer> keep = new HashSet<>();
        g.nodes().stream().filter(n -> n.is(Leaf.Kind.PARAMETER)).forEach(n -> keep.add(grads.gradOf(n.id())));
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.profiling(profile).run(grads.graph(), Feeds.byLabel(g, feeds), keep);
        return of(profile);
    }
}
