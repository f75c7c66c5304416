package dev.unfold.train;

import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.optim.OptimizerState;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a run needs to continue exactly where it stopped: weights, optimizer slots, counters, the
 * episode (its index and the generator state it was drawn from), the position in it, and the carried
 * states at the positions later windows will start from.
 */
public record TrainingState(Weights weights, OptimizerState optimizer, long step, long tokens,
        long episodeIndex, long episodeSeed, int position, Map<Integer, RecurrentState> carried) {
    public TrainingState {
        carried = java.util.Collections.unmodifiableMap(new TreeMap<>(carried));
    }
}
