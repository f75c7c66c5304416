package dev.unfold.window;

import dev.unfold.exec.Executor;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data parallelism inside one machine: a window over B sequences runs as one shard of rows per thread,
 * each through the same window built for its rows, with one GEMM thread per product (the cores are busy
 * with the shards). The first shard runs on the calling thread, the others on the runner's own
 * {@link ShardWorker}s; {@link WindowRun} merges them. One window runs at a time. A batch of one row runs as one shard, still with one thread per product.
 */
final class ShardedRunner implements WindowRunner {
    private final Executor executor;
    private final int shards;
    private final List<ShardWorker> workers = new ArrayList<>();
    private final Map<Gradients, Gradients[]> shardSinks = new IdentityHashMap<>();

    ShardedRunner(Executor executor, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a runner needs at least one shard, got " + shards);
        }
        this.executor = executor;
        this.shards = shards;
        for (int i = 1; i < shards; i++) {
            workers.add(new ShardWorker("unfold-shard"));
        }
    }

    @Override
    public int shards() {
        return shards;
    }

    @Override
    public synchronized WindowRun run(WindowGraph window, Weights weights, WindowFeed feed, Keep keep) {
        int n = Math.min(shards, window.batch());
        if (n < 2 || keep.outputs()) {
            return Gemm.withThreads(1, () -> LocalRunner.whole(executor, window, weights, feed, keep));
        }
        List<WindowGraph> parts = window.shards(n);
        Gradients[] sinks = keep.gradients().map(g -> sinks(g, n)).orElse(null);
        for (int i = 1; i < n; i++) {
            int index = i;
            Keep own = sinks == null ? keep : keep.withGradients(sinks[i]);
            workers.get(i - 1).start(() -> shard(parts.get(index), window.batch(), n, index, weights, feed, own));
        }
        List<WindowRun> done = new ArrayList<>();
        Throwable failure = null;
        try {
            done.add(shard(parts.get(0), window.batch(), n, 0, weights, feed, sinks == null ? keep : keep.withGradients(sinks[0])));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (int i = 1; i < n; i++) {
            try {
                done.add(workers.get(i - 1).await());
            } catch (RuntimeException | Error e) {
                failure = failure != null ? failure : e;
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
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

    @Override
    public void close() {
        workers.forEach(ShardWorker::close);
    }
}
