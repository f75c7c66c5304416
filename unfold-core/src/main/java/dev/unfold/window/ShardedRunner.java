package dev.unfold.window;

import dev.unfold.data.Episode;
import dev.unfold.exec.Executor;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.Layout;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Data parallelism inside one machine: a window over B sequences runs as one shard of rows per thread,
 * each through the same window built for its rows, with one GEMM thread per product (the cores are busy
 * with the shards). The first shard runs on the calling thread, the others on the runner's own threads;
 * {@link WindowRun} merges them. A batch of one row runs as one shard, still with one thread per product.
 */
final class ShardedRunner implements WindowRunner {
    private final Executor executor;
    private final int shards;
    private final ExecutorService pool;

    ShardedRunner(Executor executor, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a runner needs at least one shard, got " + shards);
        }
        this.executor = executor;
        this.shards = shards;
        this.pool = Executors.newFixedThreadPool(shards - 1, r -> {
            Thread t = new Thread(r, "unfold-shard");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public WindowRun run(WindowGraph window, Weights weights, Episode episode, int start, RecurrentState initial, Keep keep) {
        int n = Math.min(shards, window.batch());
        if (n < 2 || keep.outputs()) {
            return Gemm.withThreads(1, () -> LocalRunner.whole(executor, window, weights, episode, start, initial, keep));
        }
        List<WindowGraph> parts = window.shards(n);
        List<Future<WindowRun>> rest = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            int index = i;
            rest.add(pool.submit(() -> shard(parts.get(index), window.batch(), n, index, weights, episode, start, initial, keep)));
        }
        List<WindowRun> done = new ArrayList<>();
        RuntimeException failure = null;
        try {
            done.add(shard(parts.get(0), window.batch(), n, 0, weights, episode, start, initial, keep));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<WindowRun> f : rest) {
            try {
                done.add(f.get());
            } catch (ExecutionException e) {
                failure = failure != null ? failure : unchecked(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while waiting for a shard", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return WindowRun.merged(window, done);
    }

    private WindowRun shard(WindowGraph part, int batch, int n, int i, Weights weights, Episode episode, int start, RecurrentState initial, Keep keep) {
        int from = WindowGraph.shardStart(batch, n, i);
        int to = WindowGraph.shardStart(batch, n, i + 1);
        return Gemm.withThreads(1, () -> LocalRunner.whole(executor, part, weights, rows(episode, from, to), start, initial.rows(from, to), keep));
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** Rows {@code [from, to)} of every step's inputs and targets. */
    private static Episode rows(Episode episode, int from, int to) {
        return new Episode() {
            @Override
            public int length() {
                return episode.length();
            }

            @Override
            public Tensor input(int t) {
                return Layout.slice(episode.input(t), 0, from, to);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return episode.target(t).map(x -> Layout.slice(x, 0, from, to));
            }
        };
    }
}
