package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.kernel.Gemm;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fast path: compiles a float32 graph into a {@link Program} on first use (cached per graph and set
 * of kept values) and runs that. Products of all steps that do not depend on each other run as one GEMM,
 * per-step weight-gradient contributions are summed by one GEMM, GEMMs go to the fastest backend
 * (oneDNN or OpenBLAS when present), and buffers are planned and reused. Float64 graphs run on
 * the {@link Interpreter}. The equivalence tests hold this executor to the interpreter's results.
 */
public final class CompiledExecutor implements Executor {
    private final Map<Graph, Map<Set<Integer>, Program>> programs = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Graph, Boolean> singlePrecision = Collections.synchronizedMap(new WeakHashMap<>());
    private final int maxStackedFloats;
    private final ExecutionProfile profile;
    private final int workers;
    private final ExecutorService pool;

    /** A single-threaded executor whose grouped GEMMs stack at most 8 MiB per operand. */
    public CompiledExecutor() {
        this(MatMulGroups.MAX_STACK, null, 1);
    }

    /** An executor whose grouped GEMMs stack at most {@code maxStackedFloats} floats per operand, in chunks of steps beyond. */
    public CompiledExecutor(int maxStackedFloats) {
        this(maxStackedFloats, null, 1);
    }

    private CompiledExecutor(int maxStackedFloats, ExecutionProfile profile, int workers) {
        if (maxStackedFloats <= 0) {
            throw new IllegalArgumentException("the stacking limit must be positive, got " + maxStackedFloats);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("an executor needs at least one worker, got " + workers);
        }
        this.maxStackedFloats = maxStackedFloats;
        this.profile = profile;
        this.workers = workers;
        this.pool = workers == 1 ? null : Executors.newFixedThreadPool(workers - 1, r -> {
            Thread t = new Thread(r, "unfold-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * An executor that runs up to {@code workers} independent runs at once (the shards of a batch, one per
     * core), with {@code profile} timing every unit when not null. With more than one worker the GEMM
     * backend is asked to run each product on one thread (the cores are busy with the shards); with one,
     * products keep the backend's own threads.
     */
    public static CompiledExecutor withWorkers(int workers, ExecutionProfile profile) {
        CompiledExecutor e = new CompiledExecutor(MatMulGroups.MAX_STACK, profile, workers);
        if (workers > 1) {
            Gemm.backends().active().useThreads(1);
        }
        return e;
    }

    /** An executor with one worker per core. */
    public static CompiledExecutor perCore() {
        return withWorkers(Runtime.getRuntime().availableProcessors(), null);
    }

    /** An executor that times every unit it runs into {@code profile}. */
    public static CompiledExecutor profiling(ExecutionProfile profile) {
        return new CompiledExecutor(MatMulGroups.MAX_STACK, java.util.Objects.requireNonNull(profile), 1);
    }

    @Override
    public int workers() {
        return workers;
    }

    /** The first task runs on the caller's thread, the others on the pool's. */
    @Override
    public <T> List<T> runAll(List<Supplier<T>> tasks) {
        if (pool == null || tasks.size() < 2) {
            return Executor.super.runAll(tasks);
        }
        List<Future<T>> rest = new ArrayList<>();
        for (Supplier<T> task : tasks.subList(1, tasks.size())) {
            rest.add(pool.submit(task::get));
        }
        List<T> out = new ArrayList<>();
        RuntimeException failure = null;
        try {
            out.add(tasks.get(0).get());
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<T> f : rest) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                failure = failure != null ? failure : asUnchecked(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while waiting for a worker", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    private static RuntimeException asUnchecked(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException(t);
    }

    @Override
    public Values run(Graph graph, Map<String, Tensor> feeds) {
        return run(graph, feeds, IntStream.range(0, graph.size()).boxed().collect(Collectors.toSet()));
    }

    @Override
    public Values run(Graph graph, Map<String, Tensor> feeds, Set<Integer> keep) {
        return run(graph, feeds, keep, Set.of());
    }

    /** Lent values are the program's own buffers, overwritten by its next run. */
    @Override
    public Values run(Graph graph, Map<String, Tensor> feeds, Set<Integer> keep, Set<Integer> lent) {
        if (!singlePrecision.computeIfAbsent(graph, g -> g.nodes().stream().allMatch(n -> n.dtype() == DType.F32))) {
            return Interpreter.run(graph, feeds);
        }
        Set<Integer> all = new HashSet<>(keep);
        all.addAll(lent);
        Program p = programs.computeIfAbsent(graph, g -> new HashMap<>()).computeIfAbsent(all, k -> Program.compile(graph, k, maxStackedFloats, profile));
        return p.run(feeds, lent);
    }

    /**
     * What compiling made of a graph: its operations, the units they run as, how many groups of products
     * were hoisted into one GEMM (of which how many read an embedding table, projected once instead),
     * how many weight-gradient sums became one GEMM, and the buffer bytes.
     */
    public record Plan(int operations, int units, int hoistedGroups, int projectedTables, int accumulatedSums, long bufferBytes) {
    }

    /** The plan of {@code graph} with {@code keep} kept: the program a run compiles (compiled afresh here, not cached). */
    public static Plan plan(Graph graph, Set<Integer> keep) {
        return Program.compile(graph, keep, MatMulGroups.MAX_STACK, null).plan();
    }
}
