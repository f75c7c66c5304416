package dev.unfold.train;

import dev.unfold.nn.SequenceModelSpec;
import java.util.Locale;

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

    /** The tasks by name, at length parameter {@code t}, for batches of {@code batch}. */
    static LongMemoryTask create(String name, int t, int batch) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "adding" -> new AddingProblem(t, batch);
            case "copy" -> new CopyTask(t, batch);
            case "parity" -> new ParityTask(t, batch);
            default -> throw new IllegalArgumentException("unknown task '" + name + "'; known tasks: adding, copy, parity");
        };
    }

    /** Embedding is not used by vector tasks; token tasks read one-hot input. */
    @Override
    default SequenceModelSpec.Input input(int embedding) {
        return taskInput();
    }

    SequenceModelSpec.Input taskInput();
}
