package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.exec.Values;
import dev.unfold.kernel.Layout;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One execution of a window graph over steps {@code [start, start + L)} of an episode. When the executor
 * has several workers, the batch is split into that many shards of rows, each run on its own worker
 * through the same window built for its rows (data parallelism inside one machine), and the shards'
 * results merge into what one run gives: the loss and its gradients are means over the batch, so they
 * are the shards' values weighted by their share of rows; carried states are the shards' rows stacked.
 */
final class WindowRun {
    private final WindowGraph window;
    private final Values values;
    private final List<WindowRun> shards;
    private final boolean lentGradients;

    private WindowRun(WindowGraph window, Values values, List<WindowRun> shards, boolean lentGradients) {
        this.window = window;
        this.values = values;
        this.shards = shards;
        this.lentGradients = lentGradients;
    }

    /**
     * What a run keeps: the carried states after steps {@code statesFrom} onwards; every step's output when
     * {@code outputs} (which keeps the run whole: outputs are read through {@link #values()}); and whether
     * the parameter gradients may be {@code lent}: left in the executor's storage, valid only until the
     * window runs again, which saves copying them on every update.
     */
    record Keep(int statesFrom, boolean outputs, boolean lentGradients) {
        static Keep lastState(WindowGraph window) {
            return new Keep(window.length() - 1, false, false);
        }
    }

    /** Runs {@code window} on the episode's steps from {@code start}, keeping the state after its last step only. */
    static WindowRun execute(Executor executor, WindowGraph window, Map<String, Tensor> params, Episode episode,
            int start, Map<String, Tensor> initial) {
        return execute(executor, window, params, episode, start, initial, Keep.lastState(window));
    }

    /** Runs {@code window} on the episode's steps from {@code start}, starting from {@code initial} states. */
    static WindowRun execute(Executor executor, WindowGraph window, Map<String, Tensor> params, Episode episode,
            int start, Map<String, Tensor> initial, Keep keep) {
        int n = Math.min(executor.workers(), window.batch());
        if (n < 2 || keep.outputs()) {
            return whole(executor, window, params, episode, start, initial, keep);
        }
        List<WindowGraph> parts = window.shards(n);
        List<Supplier<WindowRun>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int from = WindowGraph.shardStart(window.batch(), n, i);
            int to = WindowGraph.shardStart(window.batch(), n, i + 1);
            WindowGraph part = parts.get(i);
            tasks.add(() -> whole(executor, part, params, rows(episode, from, to), start, rows(initial, from, to), keep));
        }
        return new WindowRun(window, null, executor.runAll(tasks), keep.lentGradients());
    }

    private static WindowRun whole(Executor executor, WindowGraph window, Map<String, Tensor> params, Episode episode,
            int start, Map<String, Tensor> initial, Keep keep) {
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
        java.util.Set<Integer> lent = keep.lentGradients() ? window.gradientResults() : java.util.Set.of();
        return new WindowRun(window, executor.run(window.graph(), feeds, window.results(keep.statesFrom(), keep.outputs()), lent), null,
                keep.lentGradients());
    }

    double loss() {
        if (shards == null) {
            return values.output("loss").get(0);
        }
        double loss = 0;
        for (WindowRun s : shards) {
            loss += share(s) * s.loss();
        }
        return loss;
    }

    /** dL/dθ for every parameter; when lent, valid until the window runs again, and to be read once. */
    Map<String, Tensor> parameterGradients() {
        if (shards == null) {
            Map<String, Tensor> grads = new LinkedHashMap<>();
            window.parts().params().forEach((name, v) -> {
                var g = window.gradients();
                grads.put(name, g.has(v.id()) ? values.get(g.gradOf(v.id())) : Tensor.zeros(v.dtype(), v.shape()));
            });
            return grads;
        }
        List<Map<String, Tensor>> each = shards.stream().map(WindowRun::parameterGradients).toList();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        for (String name : each.get(0).keySet()) {
            grads.put(name, weightedSum(each.stream().map(m -> m.get(name)).toList(), lentGradients));
        }
        return grads;
    }

    /** The carried states after window step {@code t}, by initial-state label. */
    Map<String, Tensor> statesAfter(int t) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        if (shards == null) {
            for (WindowGraph.CarriedState s : window.states()) {
                out.put(s.label(), values.get(s.afterStep().get(t)));
            }
            return out;
        }
        List<Map<String, Tensor>> each = shards.stream().map(s -> s.statesAfter(t)).toList();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.label(), Layout.concat(each.stream().map(m -> m.get(s.label())).toList(), 0, s.shape()));
        }
        return out;
    }

    /** The values of a whole (unsharded) run. */
    Values values() {
        if (values == null) {
            throw new IllegalStateException("a run split into shards has no single set of values; ask for outputs to keep it whole");
        }
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

    private double share(WindowRun shard) {
        return (double) shard.window.batch() / window.batch();
    }

    /**
     * Σ_i (rows_i / B) g_i, in the gradients' precision. Lent float32 gradients are summed into the first
     * shard's storage, which is the executor's to overwrite anyway: no new array per update.
     */
    private Tensor weightedSum(List<Tensor> parts, boolean lent) {
        Tensor first = parts.get(0);
        double[] weights = shards.stream().mapToDouble(this::share).toArray();
        if (first.dtype() == DType.F32) {
            float[] sum = lent ? first.f32() : new float[first.size()];
            float w0 = (float) weights[0];
            float[] g0 = first.f32();
            for (int j = 0; j < sum.length; j++) {
                sum[j] = w0 * g0[j];
            }
            for (int i = 1; i < parts.size(); i++) {
                float[] g = parts.get(i).f32();
                float w = (float) weights[i];
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += w * g[j];
                }
            }
            return Tensor.wrap(first.shape(), sum);
        }
        double[] sum = new double[first.size()];
        for (int i = 0; i < parts.size(); i++) {
            double[] g = parts.get(i).toDoubleArray();
            for (int j = 0; j < sum.length; j++) {
                sum[j] += weights[i] * g[j];
            }
        }
        return Tensor.wrap(first.shape(), sum);
    }

    private static Map<String, Tensor> rows(Map<String, Tensor> states, int from, int to) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        states.forEach((k, v) -> out.put(k, Layout.slice(v, 0, from, to)));
        return out;
    }

    /** Rows {@code [from, to)} of every step's inputs and targets. */
    private static Episode rows(Episode episode, int from, int to) {
        return new Episode() {
            @Override
            public int length() {
                return episode.length();
            }

            @Override
            public Tensor input(int t) {
                return Layout.slice(episode.input(t), 0, from, to);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return episode.target(t).map(x -> Layout.slice(x, 0, from, to));
            }
        };
    }
}
