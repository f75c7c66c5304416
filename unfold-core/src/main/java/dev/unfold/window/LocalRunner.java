package dev.unfold.window;

import dev.unfold.data.Episode;
import dev.unfold.exec.Executor;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import java.util.Set;

/** Runs a whole window on the calling thread. */
final class LocalRunner implements WindowRunner {
    private final Executor executor;

    LocalRunner(Executor executor) {
        this.executor = executor;
    }

    @Override
    public WindowRun run(WindowGraph window, Weights weights, Episode episode, int start, RecurrentState initial, Keep keep) {
        return whole(executor, window, weights, episode, start, initial, keep);
    }

    @Override
    public int shards() {
        return 1;
    }

    static WindowRun whole(Executor executor, WindowGraph window, Weights weights, Episode episode, int start, RecurrentState initial, Keep keep) {
        Set<Integer> lent = keep.gradients() ? Set.copyOf(window.gradientNodes().values()) : Set.of();
        return WindowRun.whole(window, executor.run(window.graph(), window.feeds(weights, initial, episode, start),
                window.results(keep.statesFrom(), keep.outputs()), lent));
    }
}
