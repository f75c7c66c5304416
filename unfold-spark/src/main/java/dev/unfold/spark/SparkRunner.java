package dev.unfold.spark;

import dev.unfold.data.Episode;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data parallelism on Apache Spark, in the place of {@link WindowRunner#sharded}: a window's batch is
 * split into one shard of rows per partition, as the sharded runner splits it into one per core. Each partition
 * keeps its rows of the episode and their carried state between windows ({@link ShardHome}): the rows are sent once
 * per episode, the state only when it does not live there already, and the driver holds deferred handles to the
 * states it may read ({@link RecurrentState#deferred}). The parameters, and each partition's window, reach the
 * executors by broadcast; each task computes its shard's loss and gradients with the compiled executor on one GEMM
 * thread and leaves its next home; the driver merges the results in partition order with {@link ShardMerge}, as one
 * machine merges its shards. So the optimizer, on the driver, takes the update one machine takes: bit for bit when the
 * partitions are the machine's shards. A task that fails is retried by Spark and computes the same result. Runs that
 * keep every output (evaluation, sampling) run on the driver.
 */
public final class SparkRunner implements WindowRunner {
    private static final int KEPT_EPISODES = 2;
    private final JavaSparkContext spark;
    private final int partitions;
    private final TaskHook hook;
    private final boolean owns;
    private final WindowRunner driver = WindowRunner.local(new CompiledExecutor());
    private final Deque<Residence> residences = new ArrayDeque<>();
    private long bytesOut;
    private long bytesIn;
    private long runs;
    private long episodesPlaced;
    private long statesShipped;

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
        Residence home = residence(feed.episode(), n, window.batch());
        int residentAt = home.handles.getOrDefault(feed.initial(), -1);
        if (residentAt < 0 && feed.start() > 0) {
            synchronized (this) {
                statesShipped++;
            }
        }
        List<WindowTask> tasks = new ArrayList<>();
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            int from = WindowGraph.shardStart(window.batch(), n, i);
            int to = WindowGraph.shardStart(window.batch(), n, i + 1);
            rows[i] = to - from;
            tasks.add(WindowTask.of(model, window, feed, from, to, keep, residentAt));
        }
        Map<String, ArrayPayload> values = new LinkedHashMap<>();
        for (Parameter p : weights.parameters()) {
            values.put(p.name(), ArrayPayload.of(weights.get(p)));
        }
        Broadcast<Map<String, ArrayPayload>> shared = spark.broadcast(values);
        List<Broadcast<?>> used = new ArrayList<>(List.of(shared));
        tasks.forEach(t -> used.add(spark.broadcast(t)));
        List<Broadcast<?>> work = List.copyOf(used.subList(1, used.size()));
        TaskHook before = hook;
        JavaRDD<ShardStep> steps = home.homes.mapPartitionsWithIndex(new RunShard(before, work, shared), true);
        steps.rdd().localCheckpoint();
        List<ShardResult> done;
        try {
            done = steps.map(new ResultOf()).collect();
        } catch (RuntimeException e) {
            used.forEach(Broadcast::destroy);
            throw e;
        }
        home.advance(steps, List.copyOf(used));
        count(values, tasks, done, n);
        return merge(window, model, done, rows, keep, feed.start(), home);
    }

    /**
     * Where {@code episode}'s rows live: the partitions already holding them, or, the first time it is run, its rows
     * sent once to their partitions (a broadcast per partition, read by it alone: each keeps its own streams or
     * sequences) and checkpointed there. Two episodes stay (training's and validation's); the one used longest ago
     * leaves, its carried states fetched first.
     */
    private Residence residence(Episode episode, int n, int batch) {
        for (Residence r : residences) {
            if (r.episode == episode && r.shards == n) {
                residences.remove(r);
                residences.addFirst(r);
                return r;
            }
        }
        while (residences.size() >= KEPT_EPISODES) {
            residences.removeLast().leave();
        }
        List<Broadcast<?>> parts = new ArrayList<>();
        List<Integer> shards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            EpisodeShard data = EpisodeShard.of(WindowFeed.rows(episode, WindowGraph.shardStart(batch, n, i), WindowGraph.shardStart(batch, n, i + 1)));
            parts.add(spark.broadcast(data));
            shards.add(i);
            synchronized (this) {
                bytesOut += data.bytes();
            }
        }
        synchronized (this) {
            episodesPlaced++;
        }
        List<Broadcast<?>> sent = List.copyOf(parts);
        JavaRDD<ShardHome> placed = spark.parallelize(shards, n).map(new Place(sent));
        placed.rdd().localCheckpoint();
        placed.count();
        Residence r = new Residence(episode, n, batch, placed, sent);
        residences.addFirst(r);
        return r;
    }

    /*
     * The functions the jobs run, as classes rather than lambdas: Spark reads a lambda's bytecode to clean it each
     * time a job is built (every update), a class it ships as it is.
     */

    /** A window's task on its partition: its home and its broadcast window in, its next home and its result out. */
    private static final class RunShard implements Function2<Integer, Iterator<ShardHome>, Iterator<ShardStep>> {
        private static final long serialVersionUID = 1L;
        private final TaskHook before;
        private final List<Broadcast<?>> work;
        private final Broadcast<Map<String, ArrayPayload>> weights;

        RunShard(TaskHook before, List<Broadcast<?>> work, Broadcast<Map<String, ArrayPayload>> weights) {
            this.before = before;
            this.work = work;
            this.weights = weights;
        }

        @Override
        public Iterator<ShardStep> call(Integer index, Iterator<ShardHome> homes) {
            ShardHome h = homes.next();
            before.beforeShard(index);
            return List.of(((WindowTask) work.get(index).value()).run(h, weights.value())).iterator();
        }
    }

    private static final class ResultOf implements Function<ShardStep, ShardResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardResult call(ShardStep s) {
            return s.result();
        }
    }

    private static final class HomeOf implements Function<ShardStep, ShardHome> {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardHome call(ShardStep s) {
            return s.home();
        }
    }

    /** A partition's first home: its rows of the episode, from the broadcast made for it. */
    private static final class Place implements Function<Integer, ShardHome> {
        private static final long serialVersionUID = 1L;
        private final List<Broadcast<?>> rows;

        Place(List<Broadcast<?>> rows) {
            this.rows = rows;
        }

        @Override
        public ShardHome call(Integer i) {
            return new ShardHome((EpisodeShard) rows.get(i).value(), Map.of());
        }
    }

    private static final class StateAt implements Function<ShardHome, List<ArrayPayload>> {
        private static final long serialVersionUID = 1L;
        private final int position;

        StateAt(int position) {
            this.position = position;
        }

        @Override
        public List<ArrayPayload> call(ShardHome h) {
            return h.state(position);
        }
    }

    /** One episode's rows on the partitions: the homes of its latest window, and handles to the states they hold. */
    private final class Residence {
        private final Episode episode;
        private final int shards;
        private final int batch;
        private JavaRDD<ShardHome> homes;
        private JavaRDD<?> held;
        private List<Broadcast<?>> broadcasts = List.of();
        private long generation;
        private final Map<RecurrentState, Integer> handles = new IdentityHashMap<>();

        Residence(Episode episode, int shards, int batch, JavaRDD<ShardHome> homes, List<Broadcast<?>> placement) {
            this.episode = episode;
            this.broadcasts = placement;
            this.shards = shards;
            this.batch = batch;
            this.homes = homes;
            this.held = homes;
        }

        /**
         * The homes after a window: the previous ones let go, the states of earlier windows no longer held. The
         * window's broadcasts stay as long as its steps do (the next window's tasks name them as their parent).
         */
        void advance(JavaRDD<ShardStep> steps, List<Broadcast<?>> used) {
            release();
            held = steps;
            broadcasts = used;
            homes = steps.map(new HomeOf());
            generation++;
            handles.clear();
        }

        /** A handle to the state at {@code position} of the latest window, fetched from the partitions if the driver reads it. */
        RecurrentState handle(List<RecurrentState.Slot> slots, int position) {
            long at = generation;
            RecurrentState s = RecurrentState.deferred(slots, batch, () -> fetch(at, position, slots));
            handles.put(s, position);
            return s;
        }

        private RecurrentState fetch(long at, int position, List<RecurrentState.Slot> slots) {
            if (at != generation || homes == null) {
                throw new IllegalStateException("the carried state at step " + position + " is no longer held by the partitions");
            }
            List<List<ArrayPayload>> parts = homes.map(new StateAt(position)).collect();
            List<RecurrentState> each = new ArrayList<>();
            for (List<ArrayPayload> part : parts) {
                Map<RecurrentState.Slot, Tensor> m = new LinkedHashMap<>();
                for (int k = 0; k < slots.size(); k++) {
                    m.put(slots.get(k), part.get(k).tensor());
                    synchronized (SparkRunner.this) {
                        bytesIn += part.get(k).bytes();
                    }
                }
                each.add(RecurrentState.of(m));
            }
            return RecurrentState.concatRows(each);
        }

        /** Leaves the partitions: the states the driver may still read are fetched first. */
        void leave() {
            for (RecurrentState s : List.copyOf(handles.keySet())) {
                s.values();
            }
            release();
            homes = null;
        }

        void release() {
            held.unpersist(false);
            broadcasts.forEach(b -> b.destroy());
            broadcasts = List.of();
        }
    }

    private WindowRun merge(WindowGraph window, SequenceModel model, List<ShardResult> done, int[] rows, Keep keep, int start, Residence home) {
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
        for (int t = Math.max(0, keep.statesFrom()); t < window.length(); t++) {
            states.put(t, home.handle(model.stateSlots(), start + t + 1));
        }
        return WindowRun.of(loss, states);
    }

    private synchronized void count(Map<String, ArrayPayload> values, List<WindowTask> tasks, List<ShardResult> done, int n) {
        long weights = values.values().stream().mapToLong(ArrayPayload::bytes).sum();
        bytesOut += weights * n + tasks.stream().mapToLong(WindowTask::bytes).sum();
        bytesIn += done.stream().mapToLong(ShardResult::bytes).sum();
        runs++;
    }

    /** Bytes of arrays sent to the executors (the parameters once per partition, each shard's window) and back, and the windows run, so far. */
    public synchronized long[] traffic() {
        return new long[] {bytesOut, bytesIn, runs};
    }

    /**
     * Episodes whose rows were sent to the partitions, and windows starting past an episode's first step whose initial
     * state was sent (the others found theirs there; a state at step 0 is the driver's zeros), so far.
     */
    public synchronized long[] placements() {
        return new long[] {episodesPlaced, statesShipped};
    }

    @Override
    public void close() {
        driver.close();
        residences.forEach(Residence::release);
        residences.clear();
        if (owns) {
            if (runs > 0) {
                System.err.printf(java.util.Locale.ROOT, "spark: %d windows on %d partitions; sent %.1f MiB to the executors and %.1f MiB back, %.2f and %.2f MiB a window%n",
                        runs, partitions, bytesOut / 1048576.0, bytesIn / 1048576.0, bytesOut / 1048576.0 / runs, bytesIn / 1048576.0 / runs);
            }
            spark.close();
        }
    }
}
