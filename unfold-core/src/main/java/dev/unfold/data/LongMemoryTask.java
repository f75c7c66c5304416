package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;

/**
 * A generated task that only a network with long memory solves, with the score of the best memoryless
 * answer to compare against.
 */
public interface LongMemoryTask extends SequenceSource {
    /** {@code adding}, {@code copy}, {@code parity}. */
    String name();

    /** Steps per episode. */
    int length();

    /** What {@link #baseline()} and the evaluation loss measure: {@code mse} or {@code nats per step}. */
    String metric();

    /** The loss of the best answer that ignores the past. */
    double baseline();

    /** Embedding is not used by vector tasks; token tasks read one-hot input. */
    @Override
    default SequenceModelSpec.Input input(int embedding) {
        return taskInput();
    }

    SequenceModelSpec.Input taskInput();
}
