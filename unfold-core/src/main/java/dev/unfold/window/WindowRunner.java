package dev.unfold.window;

import dev.unfold.data.Episode;
import dev.unfold.exec.Executor;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import java.util.Optional;

/**
 * Runs a window graph over steps {@code [start, start + L)} of an episode. {@link #local} runs it whole on
 * the calling thread; {@link #sharded} splits the batch into shards of rows run at once on threads the
 * runner owns, and merges their results into what one run gives. Training, evaluation and benchmarks take
 * a runner; a distributed runner replaces the sharded one.
 */
public interface WindowRunner extends AutoCloseable {
    /**
     * What a run keeps: carried states after steps {@code statesFrom} onwards, every step's output, and the
     * parameter gradients, written into the given sink (zero for parameters the loss does not reach).
     */
    record Keep(int statesFrom, boolean outputs, Optional<Gradients> gradients) {
        /** Only the state after the last step. */
        public static Keep lastState(WindowGraph window) {
            return new Keep(window.length() - 1, false, Optional.empty());
        }

        /** The states after steps {@code from} onwards. */
        public static Keep states(int from) {
            return new Keep(from, false, Optional.empty());
        }

        /** Also every step's output (a run kept whole). */
        public Keep withOutputs() {
            return new Keep(statesFrom, true, gradients);
        }

        /** Also the gradients, into {@code sink}. */
        public Keep withGradients(Gradients sink) {
            return new Keep(statesFrom, outputs, Optional.of(sink));
        }
    }

    /** Runs {@code window} on {@code feed}. */
    WindowRun run(WindowGraph window, Weights weights, WindowFeed feed, Keep keep);

    /** Runs a window that reads no masks over steps from {@code start} of {@code episode}, from the {@code initial} state. */
    default WindowRun run(WindowGraph window, Weights weights, Episode episode, int start, RecurrentState initial, Keep keep) {
        return run(window, weights, new WindowFeed(episode, start, initial), keep);
    }

    /** How many shards of a batch run at once. */
    int shards();

    /** Stops the runner's threads, if it has any. */
    @Override
    default void close() {
    }

    /** Whole windows on the calling thread, products on the GEMM backend's own threads. */
    static WindowRunner local(Executor executor) {
        return new LocalRunner(executor);
    }

    /** Batches split into up to {@code shards} shards, one product thread each. */
    static WindowRunner sharded(Executor executor, int shards) {
        return shards == 1 ? local(executor) : new ShardedRunner(executor, shards);
    }

    /** One shard per core. */
    static WindowRunner perCore(Executor executor) {
        return sharded(executor, Runtime.getRuntime().availableProcessors());
    }
}
