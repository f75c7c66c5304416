package dev.unfold.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Truncated backpropagation through time, BPTT(k1, k2) in the sense of Williams &amp; Peng (1990): the
 * network runs forward one step at a time, and every k1 steps the errors of those k1 steps are
 * backpropagated through the last k2 steps. The state is carried forward across updates and cut from
 * the graph at the start of each window. k2 ≥ k1 makes windows overlap (a step's state feeds several
 * windows, its loss counts once); k2 &lt; k1 backpropagates only the last k2 steps' errors, and the steps
 * before them only advance the state. BPTT(T, T) over a sequence of length T is full BPTT.
 */
public record TruncatedBptt(int k1, int k2) {
    public TruncatedBptt {
        if (k1 <= 0 || k2 <= 0) {
            throw new IllegalArgumentException("truncated BPTT needs positive k1 and k2, got " + k1 + "," + k2);
        }
    }

    /**
     * One update: advance the state forward-only over {@code [advanceFrom, start)}, then run the window
     * {@code [start, end)} with gradients, with loss on steps {@code [lossFrom, end)}.
     */
    public record Window(int advanceFrom, int start, int lossFrom, int end) {
        public int length() {
            return end - start;
        }

        /** Steps before the window that only advance the state. */
        public int advance() {
            return start - advanceFrom;
        }
    }

    /**
     * The update whose k1 new steps begin at {@code position}; at the end of a sequence the last window
     * takes the fewer steps that remain; none once the sequence is done.
     */
    public java.util.Optional<Window> windowAt(int position, int length) {
        if (position >= length) {
            return java.util.Optional.empty();
        }
        int end = Math.min(position + k1, length);
        int start = Math.max(Math.max(0, end - k2), position - Math.max(0, k2 - k1));
        int advanceFrom = Math.min(position, start);
        return java.util.Optional.of(new Window(advanceFrom, start, Math.max(position, start), end));
    }

    /** All updates over a sequence of {@code length} steps. */
    public List<Window> plan(int length) {
        List<Window> windows = new ArrayList<>();
        for (int p = 0; ; p += k1) {
            var w = windowAt(p, length);
            if (w.isEmpty()) {
                return windows;
            }
            windows.add(w.get());
        }
    }
}
