package dev.unfold.window;

import dev.unfold.exec.Executor;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Training windows run by memory-bounded BPTT ({@link SegmentedBptt}) under a {@link BpttMemory.Plan}, the batch
 * split into shards of rows as {@link WindowRunner#sharded} splits it, each shard's window on a thread of its own
 * with one GEMM thread, merged as one run gives: the loss and the gradients weighted by each shard's share of
 * rows, the states stacked. A shard's segments need nothing from the other shards', so each runs its own plan.
 */
public final class MemoryBoundedBptt implements AutoCloseable {
    private final Executor executor;
    private final RecurrentModel model;
    private final int batch;
    private final DType dtype;
    private final int shards;
    private final ExecutorService pool;
    private final Map<String, SegmentedBptt> runs = new HashMap<>();
    private final Map<Integer, Gradients[]> sinks = new HashMap<>();

    public MemoryBoundedBptt(Executor executor, RecurrentModel model, int batch, DType dtype, int shards) {
        this.executor = executor;
        this.model = model;
        this.batch = batch;
        this.dtype = dtype;
        this.shards = Math.max(1, Math.min(shards, batch));
        this.pool = this.shards > 1 ? Executors.newFixedThreadPool(this.shards - 1, r -> {
            Thread t = new Thread(r, "unfold-bounded-shard");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** How many shards of the batch run at once. */
    public int shards() {
        return shards;
    }

    /**
     * Runs a training window of {@code feed} (its masks drawn per unit from {@code maskSeed}, see
     * {@link Masks#draw(WindowGraph, long, int, int, int, int, DType)}) with loss on {@code lossAt}, under {@code plan};
     * keeps the states after steps {@code statesFrom} onwards and writes the gradients into {@code into}.
     */
    public WindowRun run(BpttMemory.Plan plan, Weights weights, WindowFeed feed, boolean[] lossAt, int statesFrom, long maskSeed, Gradients into) {
        if (shards == 1) {
            SegmentedBptt.Result r = shard(plan, 0, batch).run(weights, window(feed, lossAt, statesFrom, maskSeed, 0, batch), into);
            return WindowRun.of(r.loss(), r.states());
        }
        Gradients[] parts = sinks.computeIfAbsent(shards, n -> {
            Gradients[] g = new Gradients[n];
            for (int i = 0; i < n; i++) {
                g[i] = new Gradients(into.parameters(), into.dtype());
            }
            return g;
        });
        List<Future<SegmentedBptt.Result>> rest = new ArrayList<>();
        for (int i = 1; i < shards; i++) {
            int index = i;
            rest.add(pool.submit(() -> runShard(plan, weights, feed, lossAt, statesFrom, maskSeed, index, parts[index])));
        }
        List<SegmentedBptt.Result> done = new ArrayList<>();
        RuntimeException failure = null;
        try {
            done.add(runShard(plan, weights, feed, lossAt, statesFrom, maskSeed, 0, parts[0]));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<SegmentedBptt.Result> f : rest) {
            try {
                done.add(f.get());
            } catch (ExecutionException e) {
                failure = failure != null ? failure : e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while waiting for a shard", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return merge(done, parts, into);
    }

    private SegmentedBptt.Result runShard(BpttMemory.Plan plan, Weights weights, WindowFeed feed, boolean[] lossAt, int statesFrom, long maskSeed, int i,
            Gradients sink) {
        int from = WindowGraph.shardStart(batch, shards, i);
        int to = WindowGraph.shardStart(batch, shards, i + 1);
        return Gemm.withThreads(1, () -> shard(plan, from, to).run(weights, window(feed.rows(from, to), lossAt, statesFrom, maskSeed, from, to), sink));
    }

    private SegmentedBptt.Window window(WindowFeed feed, boolean[] lossAt, int statesFrom, long maskSeed, int from, int to) {
        return new SegmentedBptt.Window(feed, lossAt, statesFrom, (graph, leaves, offset) -> Masks.draw(graph, leaves, maskSeed, offset, batch, from, to, dtype));
    }

    /** Each shard's own runner (its graphs and its policy's memo are its thread's alone). */
    private synchronized SegmentedBptt shard(BpttMemory.Plan plan, int from, int to) {
        return runs.computeIfAbsent(plan.unitSteps() + "/" + plan.slots() + "/" + from + "-" + to, k -> new SegmentedBptt(executor, model, to - from, dtype, plan));
    }

    /** The whole batch's loss and gradients, Σ_i (rows_i / B) of each shard's, and its states, the shards' rows stacked. */
    private WindowRun merge(List<SegmentedBptt.Result> done, Gradients[] parts, Gradients into) {
        double loss = 0;
        int[] rows = new int[shards];
        for (int i = 0; i < shards; i++) {
            rows[i] = WindowGraph.shardStart(batch, shards, i + 1) - WindowGraph.shardStart(batch, shards, i);
            loss += (double) rows[i] / batch * done.get(i).loss();
        }
        ShardMerge.gradients(into, parts, rows, batch);
        Map<Integer, RecurrentState> states = new TreeMap<>();
        for (Integer t : done.get(0).states().keySet()) {
            List<RecurrentState> each = new ArrayList<>();
            done.forEach(r -> each.add(r.states().get(t)));
            states.put(t, RecurrentState.concatRows(each));
        }
        return WindowRun.of(loss, states);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
