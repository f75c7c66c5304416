package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.exec.Values;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One execution of a window graph over steps {@code [start, start + L)} of an episode. */
final class WindowRun {
    private final WindowGraph window;
    private final Values values;

    private WindowRun(WindowGraph window, Values values) {
        this.window = window;
        this.values = values;
    }

    /** Runs {@code window} on the episode's steps from {@code start}, keeping the state after its last step only. */
    static WindowRun execute(Executor executor, WindowGraph window, Map<String, Tensor> params, Episode episode,
            int start, Map<String, Tensor> initial) {
        return execute(executor, window, params, episode, start, initial, window.length() - 1, false);
    }

    /**
     * Runs {@code window} on the episode's steps from {@code start}, starting from {@code initial} states,
     * keeping the states after steps {@code statesFrom} onwards and, when asked, every step's output.
     */
    static WindowRun execute(Executor executor, WindowGraph window, Map<String, Tensor> params, Episode episode,
            int start, Map<String, Tensor> initial, int statesFrom, boolean outputs) {
        Map<String, Tensor> feeds = new HashMap<>(params);
        feeds.putAll(initial);
        for (int t = 0; t < window.length(); t++) {
            feeds.put("in[" + t + "]", episode.input(start + t));
            if (window.lossAt(t)) {
                int step = start + t;
                Optional<Tensor> target = episode.target(step);
                feeds.put("target[" + t + "]", target.orElseThrow(() -> new IllegalStateException("no target at step " + step)));
            }
        }
        return new WindowRun(window, executor.run(window.graph(), feeds, window.results(statesFrom, outputs)));
    }

    double loss() {
        return values.output("loss").get(0);
    }

    /** dL/dθ for every parameter. */
    Map<String, Tensor> parameterGradients() {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        window.parts().params().forEach((name, v) -> {
            var g = window.gradients();
            grads.put(name, g.has(v.id()) ? values.get(g.gradOf(v.id())) : Tensor.zeros(v.dtype(), v.shape()));
        });
        return grads;
    }

    /** The carried states after window step {@code t}, by initial-state label. */
    Map<String, Tensor> statesAfter(int t) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.label(), values.get(s.afterStep().get(t)));
        }
        return out;
    }

    Values values() {
        return values;
    }

    /** Zero states for the start of an episode. */
    static Map<String, Tensor> zeroStates(WindowGraph window) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.label(), Tensor.zeros(s.dtype(), s.shape()));
        }
        return out;
    }

    static List<String> labels(WindowGraph window) {
        return window.states().stream().map(WindowGraph.CarriedState::label).toList();
    }
}
