package dev.unfold.train;

import dev.unfold.optim.OptimizerState;
import dev.unfold.tensor.Tensor;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a run needs to continue exactly where it stopped: parameters, optimizer slots, counters,
 * the episode (its index and the generator state it was drawn from), the position in it, and the carried
 * states at the positions later windows will start from.
 */
public record TrainingState(Map<String, Tensor> params, OptimizerState optimizer, long step, long tokens,
        long episodeIndex, long episodeSeed, int position, Map<Integer, Map<String, Tensor>> carried) {
    public TrainingState {
        params = Map.copyOf(params);
        carried = new TreeMap<>(carried);
    }
}
