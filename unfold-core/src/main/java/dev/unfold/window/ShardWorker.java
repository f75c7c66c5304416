package dev.unfold.window;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A thread of its own that runs one shard of each window handed to it. Windows come back to back, with the
 * caller's short serial work between them (merging the shards, the optimizer, the next feeds), so the worker
 * spins for a while before it parks, and so does the caller waiting for its shard: a parked thread took 0.3-0.6
 * ms to wake here, a few percent of a window (docs/PERFORMANCE.md). Each side spins on a core that would otherwise
 * be idle.
 */
final class ShardWorker implements AutoCloseable {
    /** How long either side spins before it parks. */
    static final long SPIN_NANOS = 5_000_000;

    private final Thread thread;
    private volatile Supplier<WindowRun> task;
    private volatile boolean finished = true;
    private volatile boolean closed;
    private volatile Thread waiter;
    private WindowRun result;
    private Throwable failure;

    ShardWorker(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands the worker its shard of a window; the previous one must have been awaited. */
    void start(Supplier<WindowRun> shard) {
        if (!finished) {
            throw new IllegalStateException("a shard worker was handed a window before its last one was awaited");
        }
        result = null;
        failure = null;
        finished = false;
        task = shard;
        LockSupport.unpark(thread);
    }

    /** The shard's run once it is done; what it threw is rethrown (an {@link Error} as it is). */
    WindowRun await() {
        waiter = Thread.currentThread();
        boolean interrupted = false;
        long start = System.nanoTime();
        while (!finished) {
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
                interrupted |= Thread.interrupted();
            }
        }
        waiter = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a shard");
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
        }
        return result;
    }

    private void loop() {
        Supplier<WindowRun> next;
        while ((next = next()) != null) {
            try {
                result = next.get();
            } catch (Throwable t) {
                failure = t;
            }
            finished = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** The next shard, spinning and then parking until it comes; null once closed. */
    private Supplier<WindowRun> next() {
        long start = System.nanoTime();
        while (!closed) {
            Supplier<WindowRun> t = task;
            if (t != null) {
                task = null;
                return t;
            }
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
