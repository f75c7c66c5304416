package dev.unfold.window;

import dev.unfold.exec.Executor;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
    private final Map<Gradients, Gradients[]> shardSinks = new IdentityHashMap<>();

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
    public WindowRun run(WindowGraph window, Weights weights, WindowFeed feed, Keep keep) {
        int n = Math.min(shards, window.batch());
        if (n < 2 || keep.outputs()) {
            return Gemm.withThreads(1, () -> LocalRunner.whole(executor, window, weights, feed, keep));
        }
        List<WindowGraph> parts = window.shards(n);
        Gradients[] sinks = keep.gradients().map(g -> sinks(g, n)).orElse(null);
        List<Future<WindowRun>> rest = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            int index = i;
            Keep own = sinks == null ? keep : keep.withGradients(sinks[i]);
            rest.add(pool.submit(() -> shard(parts.get(index), window.batch(), n, index, weights, feed, own)));
        }
        List<WindowRun> done = new ArrayList<>();
        RuntimeException failure = null;
        try {
            done.add(shard(parts.get(0), window.batch(), n, 0, weights, feed, sinks == null ? keep : keep.withGradients(sinks[0])));
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
        if (sinks != null) {
            merge(keep.gradients().get(), sinks, parts, window.batch());
        }
        return WindowRun.merged(window, done);
    }

    /** One sink per shard for the caller's sink {@code g}, made once: the first shard's is {@code g}, merged in place. */
    private synchronized Gradients[] sinks(Gradients g, int n) {
        Gradients[] s = shardSinks.get(g);
        if (s == null || s.length != n) {
            s = new Gradients[n];
            s[0] = g;
            for (int i = 1; i < n; i++) {
                s[i] = new Gradients(g.parameters(), g.dtype());
            }
            shardSinks.put(g, s);
        }
        return s;
    }

    private static void merge(Gradients into, Gradients[] shards, List<WindowGraph> parts, int batch) {
        ShardMerge.gradients(into, shards, parts.stream().mapToInt(WindowGraph::batch).toArray(), batch);
    }

    private WindowRun shard(WindowGraph part, int batch, int n, int i, Weights weights, WindowFeed feed, Keep keep) {
        int from = WindowGraph.shardStart(batch, n, i);
        int to = WindowGraph.shardStart(batch, n, i + 1);
        return Gemm.withThreads(1, () -> LocalRunner.whole(executor, part, weights, feed.rows(from, to), keep));
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
}
