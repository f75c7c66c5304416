package dev.unfold.window;

import dev.unfold.exec.Executor;
import dev.unfold.exec.Sink;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import java.util.Arrays;
import java.util.Map;

/** Runs a whole window on the calling thread. */
final class LocalRunner implements WindowRunner {
    private final Executor executor;

    LocalRunner(Executor executor) {
        this.executor = executor;
    }

    @Override
    public WindowRun run(WindowGraph window, Weights weights, WindowFeed feed, Keep keep) {
        return whole(executor, window, weights, feed, keep);
    }

    @Override
    public int shards() {
        return 1;
    }

    /** The gradients go straight into the caller's sink: the executor computes them in its buffers. */
    static WindowRun whole(Executor executor, WindowGraph window, Weights weights, WindowFeed feed, Keep keep) {
        Sink sink = keep.gradients().map(g -> sink(window, g)).orElse(Sink.none());
        return WindowRun.whole(window, executor.run(window.graph(), window.feeds(weights, feed),
                window.results(keep.statesFrom(), keep.outputs()), sink));
    }

    /** The sink of {@code g} for this window (made once), with the gradients the loss does not reach set to zero. */
    static Sink sink(WindowGraph window, Gradients g) {
        Map<Parameter, Integer> nodes = window.gradientNodes();
        for (Parameter p : g.parameters()) {
            if (!nodes.containsKey(p)) {
                if (g.dtype() == DType.F32) {
                    Arrays.fill(g.f32(p), 0f);
                } else {
                    Arrays.fill(g.f64(p), 0.0);
                }
            }
        }
        return window.sinkFor(g, () -> {
            Sink.Builder sink = Sink.builder();
            nodes.forEach((p, node) -> {
                if (g.dtype() == DType.F32) {
                    sink.put(node, g.f32(p));
                } else {
                    sink.put(node, g.f64(p));
                }
            });
            return sink.build();
        });
    }
}
