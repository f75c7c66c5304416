package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.nn.SequenceModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.Map;

/**
 * The mean per-step loss of a model over episodes, without gradients: each episode is read in windows
 * of at most {@code window} steps with the state carried from window to window, exactly as training
 * reads it, and every step with a target counts once.
 */
public final class Evaluation {
    private final Executor executor;
    private final WindowGraphs graphs;
    private final int window;

    public Evaluation(SequenceModel model, int batch, int window, Executor executor, DType dtype) {
        if (window <= 0) {
            throw new IllegalArgumentException("evaluation window must be positive, got " + window);
        }
        this.executor = executor;
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

    public Total run(Map<String, Tensor> params, Episode episode) {
        Map<String, Tensor> state = null;
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
                state = WindowRun.zeroStates(g);
            }
            WindowRun run = WindowRun.execute(executor, g, params, episode, start, state);
            if (counted > 0) {
                sum += run.loss() * counted;
                steps += counted;
            }
            state = run.statesAfter(length - 1);
        }
        return new Total(sum, steps);
    }
}
