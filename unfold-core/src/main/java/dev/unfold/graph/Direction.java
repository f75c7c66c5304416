package dev.unfold.graph;

/** Which way a recurrence runs through time: from the first step to the last, or back. */
public enum Direction {
    FORWARD, REVERSE;

    /** 0 forward, 1 reverse: PyTorch's index of a direction. */
    public int index() {
        return ordinal();
    }

    /** The direction of PyTorch's index {@code d}. */
    public static Direction of(int d) {
        return values()[d];
    }
}
