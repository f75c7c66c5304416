package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.kernel.LstmGateKernels;
import dev.unfold.kernel.LstmGates;
import dev.unfold.tensor.DType;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fast path: compiles a float32 graph into a {@link Program} on first use (cached per graph and set
 * of kept values) and runs that on the calling thread. Products of all steps that do not depend on each
 * other run as one GEMM, per-step weight-gradient contributions are summed by one GEMM, an embedded input's two
 * gradients are summed per token before their products ({@link TokenSums}), GEMMs go to the
 * fastest backend (oneDNN or OpenBLAS when present), and buffers are planned and reused (the programs of one graph,
 * one per set of kept values, share one pool of them). Float64 graphs
 * run on the {@link Interpreter}. The equivalence tests hold this executor to the interpreter's results.
 * Distinct graphs may run on distinct threads at once; runs of one graph take turns.
 */
public final class CompiledExecutor implements Executor {
    private final Map<Graph, Map<Compiled, Program>> programs = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Graph, BufferPool> pools = Collections.synchronizedMap(new WeakHashMap<>());
    private final Map<Graph, Boolean> singlePrecision = Collections.synchronizedMap(new WeakHashMap<>());
    private final int maxStackedFloats;
    private final ExecutionProfile profile;
    private final Optional<LstmGates> gates;

    /** An executor whose grouped GEMMs stack at most 8 MiB per operand. */
    public CompiledExecutor() {
        this(MatMulGroups.MAX_STACK, null, LstmGateKernels.found().active());
    }

    /** An executor whose grouped GEMMs stack at most {@code maxStackedFloats} floats per operand, in chunks of steps beyond. */
    public CompiledExecutor(int maxStackedFloats) {
        this(maxStackedFloats, null, LstmGateKernels.found().active());
    }

    private CompiledExecutor(int maxStackedFloats, ExecutionProfile profile, Optional<LstmGates> gates) {
        if (maxStackedFloats <= 0) {
            throw new IllegalArgumentException("the stacking limit must be positive, got " + maxStackedFloats);
        }
        this.maxStackedFloats = maxStackedFloats;
        this.profile = profile;
        this.gates = Objects.requireNonNull(gates);
    }

    /** An executor that times every unit it runs into {@code profile}. */
    public static CompiledExecutor profiling(ExecutionProfile profile) {
        return new CompiledExecutor(MatMulGroups.MAX_STACK, Objects.requireNonNull(profile), LstmGateKernels.found().active());
    }

    /**
     * An executor that runs LSTM steps' gates on {@code gates} (the Java passes when empty) rather than on the kernel
     * the process found, timing its units into {@code profile} when that is not null.
     */
    public static CompiledExecutor withLstmGates(Optional<LstmGates> gates, ExecutionProfile profile) {
        return new CompiledExecutor(MatMulGroups.MAX_STACK, profile, gates);
    }

    @Override
    public Values run(Graph graph, Feeds feeds) {
        return run(graph, feeds, IntStream.range(0, graph.size()).boxed().collect(Collectors.toSet()));
    }


    @Override
    public Values run(Graph graph, Feeds feeds, Set<Integer> keep) {
        return run(graph, feeds, keep, Sink.none());
    }

    /** The program computes the sink's values in the sink's arrays. */
    @Override
    public Values run(Graph graph, Feeds feeds, Set<Integer> keep, Sink sink) {
        if (!singlePrecision.computeIfAbsent(graph, g -> g.nodes().stream().allMatch(n -> n.dtype() == DType.F32))) {
            Values v = Interpreter.run(graph, feeds);
            sink.nodes().forEach(id -> Interpreter.copyInto(v.get(id), id, sink));
            return v;
        }
        Set<Integer> all = new HashSet<>(keep);
        all.addAll(sink.nodes());
        BufferPool pool = pools.computeIfAbsent(graph, g -> new BufferPool());
        Map<Compiled, Program> compiled = programs.computeIfAbsent(graph, g -> new HashMap<>());
        Program p;
        synchronized (compiled) {
            p = compiled.computeIfAbsent(new Compiled(all, sink.nodes()), k -> Program.compile(graph, k.values(), k.sunk(), maxStackedFloats, profile, pool, gates));
        }
        return p.run(feeds, sink);
    }

    /** A program's key: the values it keeps, and those of them it computes in a sink's arrays (no buffers of its own). */
    private record Compiled(Set<Integer> values, Set<Integer> sunk) {
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
