package dev.unfold.spark;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.ShardMerge;
import dev.unfold.window.WindowFeed;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data parallelism on Apache Spark, in the place of {@link WindowRunner#sharded}: a window's batch is
 * split into one shard of rows per partition, as the sharded runner splits it into one per core; the parameters
 * reach the executors by broadcast; each task computes its shard's loss, gradients and states with the compiled
 * executor on one GEMM thread; the driver merges them in partition order with {@link ShardMerge}, as one machine
 * merges its shards. So the optimizer, on the driver, takes the update one machine takes: bit for bit when the
 * partitions are the machine's shards. A task that fails is retried by Spark and computes the same result. Runs that
 * keep every output (evaluation, sampling) run on the driver.
 */
public final class SparkRunner implements WindowRunner {
    private final JavaSparkContext spark;
    private final int partitions;
    private final TaskHook hook;
    private final boolean owns;
    private final WindowRunner driver = WindowRunner.local(new CompiledExecutor());
    private long bytesOut;
    private long bytesIn;
    private long runs;

    /** Called in each task before its shard runs (tests use it to make a task fail). */
    @FunctionalInterface
    public interface TaskHook extends Serializable {
        void beforeShard(int shard);
    }

    public SparkRunner(JavaSparkContext spark, int partitions) {
        this(spark, partitions, shard -> {
        });
    }

    public SparkRunner(JavaSparkContext spark, int partitions, TaskHook hook) {
        this(spark, partitions, hook, false);
    }

    private SparkRunner(JavaSparkContext spark, int partitions, TaskHook hook, boolean owns) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a Spark runner needs at least one partition, got " + partitions);
        }
        this.spark = spark;
        this.partitions = partitions;
        this.hook = hook;
        this.owns = owns;
    }

    /** A runner that stops {@code spark} when it closes. */
    static SparkRunner owning(JavaSparkContext spark, int partitions) {
        return new SparkRunner(spark, partitions, shard -> {
        }, true);
    }

    @Override
    public int shards() {
        return partitions;
    }

    @Override
    public WindowRun run(WindowGraph window, Weights weights, WindowFeed feed, Keep keep) {
        if (keep.outputs()) {
            return driver.run(window, weights, feed, keep);
        }
        if (!(window.model() instanceof SequenceModel model)) {
            throw new IllegalArgumentException("the Spark runner runs sequence models");
        }
        int n = Math.min(partitions, window.batch());
        List<ShardPayload> shards = new ArrayList<>();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            int from = WindowGraph.shardStart(window.batch(), n, i);
            int to = WindowGraph.shardStart(window.batch(), n, i + 1);
            rows[i] = to - from;
            shards.add(ShardPayload.of(model, window, feed, from, to, keep));
        }
        Map<String, ArrayPayload> values = new LinkedHashMap<>();
        for (Parameter p : weights.parameters()) {
            values.put(p.name(), ArrayPayload.of(weights.get(p)));
        }
        Broadcast<Map<String, ArrayPayload>> shared = spark.broadcast(values);
        TaskHook before = hook;
        List<ShardResult> done;
        try {
            done = spark.parallelize(shards, n).mapPartitionsWithIndex((index, it) -> {
                List<ShardResult> out = new ArrayList<>();
                while (it.hasNext()) {
                    before.beforeShard(index);
                    out.add(it.next().run(shared.value()));
                }
                return out.iterator();
            }, true).collect();
        } finally {
            shared.destroy();
        }
        count(values, shards, done, n);
        return merge(window, model, done, rows, keep);
    }

    private WindowRun merge(WindowGraph window, SequenceModel model, List<ShardResult> done, int[] rows, Keep keep) {
        int batch = window.batch();
        double loss = 0;
        for (int i = 0; i < done.size(); i++) {
            loss += (double) rows[i] / batch * done.get(i).loss();
        }
        keep.gradients().ifPresent(into -> {
            Gradients[] parts = new Gradients[done.size()];
            for (int i = 0; i < parts.length; i++) {
                Map<Parameter, Tensor> g = new LinkedHashMap<>();
                for (Parameter p : into.parameters()) {
                    g.put(p, done.get(i).gradients().get(p.name()).tensor());
                }
                parts[i] = Gradients.of(g);
            }
            ShardMerge.gradients(into, parts, rows, batch);
        });
        Map<Integer, RecurrentState> states = new LinkedHashMap<>();
        List<RecurrentState.Slot> slots = model.stateSlots();
        int from = Math.max(0, keep.statesFrom());
        for (int t = from; t < window.length(); t++) {
            List<RecurrentState> each = new ArrayList<>();
            for (ShardResult r : done) {
                Map<RecurrentState.Slot, Tensor> s = new LinkedHashMap<>();
                for (int k = 0; k < slots.size(); k++) {
                    s.put(slots.get(k), r.states().get(t - from).get(k).tensor());
                }
                each.add(RecurrentState.of(s));
            }
            states.put(t, RecurrentState.concatRows(each));
        }
        return WindowRun.of(loss, states);
    }

    private synchronized void count(Map<String, ArrayPayload> values, List<ShardPayload> shards, List<ShardResult> done, int n) {
        long weights = values.values().stream().mapToLong(ArrayPayload::bytes).sum();
        bytesOut += weights * n + shards.stream().mapToLong(ShardPayload::bytes).sum();
        bytesIn += done.stream().mapToLong(ShardResult::bytes).sum();
        runs++;
    }

    /** Bytes of arrays sent to the executors (the parameters once per partition, each shard's window) and back, and the windows run, so far. */
    public synchronized long[] traffic() {
        return new long[] {bytesOut, bytesIn, runs};
    }

    @Override
    public void close() {
        driver.close();
        if (owns) {
            if (runs > 0) {
                System.err.printf(java.util.Locale.ROOT, "spark: %d windows on %d partitions; sent %.1f MiB to the executors and %.1f MiB back, %.2f and %.2f MiB a window%n",
                        runs, partitions, bytesOut / 1048576.0, bytesIn / 1048576.0, bytesOut / 1048576.0 / runs, bytesIn / 1048576.0 / runs);
            }
            spark.close();
        }
    }
}
