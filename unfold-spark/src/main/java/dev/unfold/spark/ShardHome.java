package dev.unfold.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What a partition keeps between updates: its rows of the current episode, and its rows' carried states after the
 * steps the last window kept, slot by slot, by the position they start the next window from. A window's task reads
 * its partition's home and makes the next one; the driver holds only a handle to each state.
 */
record ShardHome(EpisodeShard data, Map<Integer, List<ArrayPayload>> states) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The state at {@code position}: the one after step position - 1. */
    List<ArrayPayload> state(int position) {
        List<ArrayPayload> s = states.get(position);
        if (s == null) {
            throw new IllegalStateException("the partition holds no carried state at step " + position + "; it has " + states.keySet());
        }
        return s;
    }
}
