package dev.unfold.eval;

import dev.unfold.data.Episode;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowGraphs;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;

/**
 * The mean per-step loss of a model over episodes, without gradients: each episode is read in windows
 * of at most {@code window} steps with the state carried from window to window, exactly as training
 * reads it, and every step with a target counts once.
 */
public final class Evaluation {
    private final WindowRunner runner;
    private final WindowGraphs graphs;
    private final int window;

    public Evaluation(RecurrentModel model, int batch, int window, WindowRunner runner, DType dtype) {
        if (window <= 0) {
            throw new IllegalArgumentException("an evaluation window must be positive, got " + window);
        }
        this.runner = runner;
        this.graphs = new WindowGraphs(model, batch, dtype);
        this.window = window;
    }

    /** Sum of per-step losses and the number of steps they cover. */
    public record Total(double lossSum, long steps) {
        public double mean() {
            return lossSum / steps;
        }

        public Total plus(Total o) {
            return new Total(lossSum + o.lossSum, steps + o.steps);
        }
    }

    public Total run(Weights weights, Episode episode) {
        RecurrentState state = null;
        double sum = 0;
        long steps = 0;
        for (int start = 0; start < episode.length(); start += window) {
            int length = Math.min(window, episode.length() - start);
            boolean[] lossAt = new boolean[length];
            int counted = 0;
            for (int t = 0; t < length; t++) {
                lossAt[t] = episode.target(start + t).isPresent();
                counted += lossAt[t] ? 1 : 0;
            }
            WindowGraph g = graphs.get(lossAt, WindowGraph.Mode.FORWARD);
            if (state == null) {
                state = g.zeroState();
            }
            WindowRun run = runner.run(g, weights, episode, start, state, WindowRunner.Keep.lastState(g));
            if (counted > 0) {
                sum += run.loss() * counted;
                steps += counted;
            }
            state = run.stateAfter(length - 1);
        }
        return new Total(sum, steps);
    }
}
