package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.LstmGateKernels;
import dev.unfold.kernel.LstmGates;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * A float32 graph compiled once and run many times: dead nodes dropped, products grouped
 * ({@link MatMulGroups}), units scheduled in dependence order, and every value given a buffer that is
 * reused once the value's last reader has run (an element-wise value in place over an input it reads last).
 * Values asked to be kept survive the run as tensors; values given a {@link Sink} are computed in the sink's
 * arrays instead of buffers of the program's own (a kept value has a buffer no other value shares, so the
 * sink's array can stand in for it). One run at a time.
 */
final class Program {
    private final Graph graph;
    private final int[] physical;
    private final float[][] buffers;
    private final boolean[] kept;
    private final boolean[] inSink;
    private final int hoisted;
    private final int projected;
    private final int accumulated;
    private final ExecutionProfile profile;
    private final BufferPool pool;
    /** The graph's leaves, and the units in the order they run: what every run walks. */
    private final int[] leaves;
    private final Unit[] units;

    private Program(Graph graph, List<Unit> schedule, int[] physical, float[][] buffers, boolean[] kept, boolean[] inSink, int hoisted,
            int projected, int accumulated, ExecutionProfile profile, BufferPool pool) {
        this.pool = pool;
        this.graph = graph;
        this.physical = physical;
        this.buffers = buffers;
        this.kept = kept;
        this.inSink = inSink;
        this.hoisted = hoisted;
        this.projected = projected;
        this.accumulated = accumulated;
        this.profile = profile;
        this.leaves = graph.nodes().stream().filter(n -> n.op() instanceof Leaf).mapToInt(Node::id).toArray();
        this.units = schedule.toArray(Unit[]::new);
    }

    static Program compile(Graph g, Set<Integer> keep, int maxStack, ExecutionProfile profile) {
        return compile(g, keep, Set.of(), maxStack, profile, new BufferPool(), LstmGateKernels.found().active());
    }

    /** As {@link #compile(Graph, Set, int, ExecutionProfile)}, its buffers taken from {@code pool}, shared with the graph's other programs. */
    static Program compile(Graph g, Set<Integer> keep, Set<Integer> sunk, int maxStack, ExecutionProfile profile, BufferPool pool,
            Optional<LstmGates> gates) {
        boolean[] kept = new boolean[g.size()];
        keep.forEach(k -> kept[k] = true);
        boolean[] inSink = new boolean[g.size()];
        sunk.forEach(k -> inSink[k] = true);
        g.outputs().values().forEach(k -> kept[k] = true);
        boolean[] needed = needed(g, kept);
        boolean[] covered = new boolean[g.size()];
        List<Unit> tokenSums = TokenSums.sums(g, needed, kept, covered, maxStack);
        List<List<Unit>> accumulations = MatMulGroups.accumulations(g, needed, kept, covered, maxStack);
        List<Unit> lstmGradients = gates.map(k -> LstmStepGradients.steps(g, needed, kept, covered, k)).orElse(List.of());
        List<Unit> placements = PadSums.placements(g, needed, kept, covered);
        Map<Integer, Gemm.OperandCache> caches = new HashMap<>();
        Lowering.Context context = new Lowering.Context(g, caches, new HashMap<>());
        List<List<Unit>> hoisted = MatMulGroups.hoisted(g, needed, kept, covered, maxStack, caches, pool);
        java.util.Set<Integer> written = new java.util.HashSet<>();
        java.util.stream.Stream.of(tokenSums.stream(), accumulations.stream().flatMap(List::stream), lstmGradients.stream(), placements.stream(),
                hoisted.stream().flatMap(List::stream))
                .flatMap(s -> s).forEach(u -> Arrays.stream(u.writes()).forEach(written::add));
        List<BiasedSums.Sum> biasedSums = BiasedSums.sums(g, needed, kept, covered, written);
        Map<Integer, Unit> gathers = new HashMap<>();
        hoisted.stream().flatMap(List::stream).filter(u -> u.instruction() instanceof ProjectedTable.Rows).forEach(u -> gathers.put(u.writes()[0], u));
        LstmGateUnits.Steps lstmSteps = gates.map(k -> LstmGateUnits.steps(g, needed, kept, covered, k, biasedSums, gathers))
                .orElse(new LstmGateUnits.Steps(List.of(), Set.of(), Set.of()));
        List<Unit> slopes = ActivationSlopes.slopes(g, needed, kept, covered);
        List<Unit> productSums = ProductSums.sums(g, needed, kept, covered);
        List<Unit> units = new ArrayList<>(tokenSums);
        accumulations.forEach(units::addAll);
        units.addAll(lstmGradients);
        units.addAll(placements);
        hoisted.stream().flatMap(List::stream).filter(u -> !lstmSteps.gathers().contains(u)).forEach(units::add);
        biasedSums.stream().filter(sum -> !lstmSteps.sums().contains(sum)).forEach(sum -> units.add(sum.unit(g, context.rows())));
        units.addAll(lstmSteps.units());
        units.addAll(slopes);
        units.addAll(productSums);
        boolean[] read = stillRead(g, units, needed, kept, covered);
        units.addAll(RepeatedValues.copies(g, read, needed, covered));
        for (Node n : g.nodes()) {
            if (read[n.id()] && !covered[n.id()] && !(n.op() instanceof Leaf)) {
                int[] reads = n.inputs().stream().mapToInt(Integer::intValue).distinct().toArray();
                units.add(new Unit(n.id(), new int[] {n.id()}, new int[] {n.id()}, reads, Lowerings.of(n, context), n.op().name()));
            }
        }
        List<Unit> schedule = schedule(g, units);
        int[] physical = new int[g.size()];
        Arrays.fill(physical, -1);
        float[][] buffers = plan(g, schedule, kept, inSink, physical, pool, sameIndexInputs(g, schedule));
        int projected = (int) hoisted.stream().filter(group -> group.get(0).kind().equals(MatMulGroups.PROJECTED)).count();
        return new Program(g, schedule, physical, buffers, kept, inSink, hoisted.size(), projected, accumulations.size(), profile, pool);
    }

    /** Runs once; kept values are copied out, the sink's are computed in its arrays. The graph's programs take turns. */
    Values run(Feeds feeds, Sink sink) {
        synchronized (pool) {
            return runAlone(feeds, sink);
        }
    }

    private Values runAlone(Feeds feeds, Sink sink) {
        float[][] v = new float[graph.size()][];
        for (int id = 0; id < v.length; id++) {
            if (physical[id] >= 0) {
                v[id] = buffers[physical[id]];
            }
        }
        for (int id : leaves) {
            Node n = graph.node(id);
            v[id] = leafValue(n, (Leaf) n.op(), feeds);
        }
        for (int id : sink.nodes()) {
            float[] into = sink.f32(id);
            if (into == null || into.length != graph.node(id).shape().size() || !inSink[id] || graph.node(id).op() instanceof Leaf) {
                throw new IllegalArgumentException("the sink's array for node " + id + " (" + graph.node(id).name() + ") does not fit it");
            }
            v[id] = into;
        }
        if (profile == null) {
            for (Unit u : units) {
                u.instruction().run(v);
            }
        } else {
            for (Unit u : units) {
                long start = System.nanoTime();
                u.instruction().run(v);
                profile.add(u.kind(), System.nanoTime() - start);
            }
        }
        Tensor[] out = new Tensor[graph.size()];
        for (int id = 0; id < out.length; id++) {
            if (kept[id] && v[id] != null && !inSink[id]) {
                Node n = graph.node(id);
                out[id] = Tensor.wrap(n.shape(), n.op() instanceof Leaf ? v[id] : Arrays.copyOf(v[id], n.shape().size()));
            }
        }
        return new Values(graph, out);
    }

    /** What compiling did to the graph. */
    CompiledExecutor.Plan plan() {
        long ops = graph.nodes().stream().filter(n -> !(n.op() instanceof Leaf)).count();
        return new CompiledExecutor.Plan((int) ops, units.length, hoisted, projected, accumulated,
                Arrays.stream(buffers).mapToLong(b -> b.length).sum() * Float.BYTES);
    }

    private static float[] leafValue(Node n, Leaf leaf, Feeds feeds) {
        if (leaf.kind() == Leaf.Kind.CONSTANT) {
            return leaf.value().to(DType.F32).f32();
        }
        return Interpreter.fed(n, leaf, feeds).to(DType.F32).f32();
    }

    /**
     * The values still read once the rewrites' units are made: the kept ones, those the units read, and the inputs of
     * such values not covered by a unit, transitively. A value the rewrites no longer read (an embedding's gathered
     * rows, when the table is projected and its gradients are summed by token) is not computed.
     */
    private static boolean[] stillRead(Graph g, List<Unit> units, boolean[] needed, boolean[] kept, boolean[] covered) {
        boolean[] read = kept.clone();
        units.forEach(u -> Arrays.stream(u.reads()).forEach(r -> read[r] = true));
        for (int id = g.size() - 1; id >= 0; id--) {
            if (read[id] && needed[id] && !covered[id]) {
                g.node(id).inputs().forEach(in -> read[in] = true);
            }
        }
        return read;
    }

    private static boolean[] needed(Graph g, boolean[] kept) {
        boolean[] needed = new boolean[g.size()];
        Deque<Integer> work = new ArrayDeque<>();
        for (int i = 0; i < kept.length; i++) {
            if (kept[i]) {
                needed[i] = true;
                work.push(i);
            }
        }
        while (!work.isEmpty()) {
            for (int in : g.node(work.pop()).inputs()) {
                if (!needed[in]) {
                    needed[in] = true;
                    work.push(in);
                }
            }
        }
        return needed;
    }

    /**
     * Kahn's algorithm over units; among ready units the one with the smallest priority runs first. A unit that
     * reads a value it writes updates it (a sum over chunks of steps, added in place): it follows the value's
     * writer listed before it, and every other reader follows the last writer.
     */
    static List<Unit> schedule(Graph g, List<Unit> units) {
        List<List<Integer>> writers = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
            writers.add(List.of());
        }
        for (int u = 0; u < units.size(); u++) {
            for (int w : units.get(u).writes()) {
                if (writers.get(w).isEmpty()) {
                    writers.set(w, new ArrayList<>());
                }
                writers.get(w).add(u);
            }
        }
        int[] waiting = new int[units.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        units.forEach(u -> dependents.add(new ArrayList<>()));
        for (int u = 0; u < units.size(); u++) {
            for (int r : units.get(u).reads()) {
                List<Integer> of = writers.get(r);
                int self = of.indexOf(u);
                int after = self > 0 ? of.get(self - 1) : of.isEmpty() || self == 0 ? -1 : of.get(of.size() - 1);
                if (after >= 0) {
                    waiting[u]++;
                    dependents.get(after).add(u);
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> Integer.compare(units.get(a).priority(), units.get(b).priority()));
        for (int u = 0; u < units.size(); u++) {
            if (waiting[u] == 0) {
                ready.add(u);
            }
        }
        List<Unit> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            int u = ready.poll();
            order.add(units.get(u));
            for (int d : dependents.get(u)) {
                if (--waiting[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != units.size()) {
            throw new IllegalStateException("compiled schedule has a cycle: " + (units.size() - order.size()) + " units never became ready");
        }
        return order;
    }

    /**
     * Gives every written value a buffer by its lifetime, from its unit to its last reader's (greedy by size: the
     * largest values first, each into the first buffer free over its whole lifetime, else a new one of its size
     * from {@code pool}), so a step's narrow values take the room of wide ones dead before or born after them. An
     * element-wise value first takes the buffer of an input of its shape that its unit reads last, when that is free
     * until the value dies: it is computed in place ({@link #donated}).
     * A kept value has a buffer no other value shares, and one a sink holds has none (the sink's array is its
     * buffer). Instructions read and write values by their shapes' sizes, never by their buffers' lengths.
     */
    private static float[][] plan(Graph g, List<Unit> schedule, boolean[] kept, boolean[] inSink, int[] physical, BufferPool shared,
            Map<Integer, int[]> sameIndex) {
        int[] born = new int[g.size()];
        int[] dies = new int[g.size()];
        Arrays.fill(born, -1);
        List<Integer> values = new ArrayList<>();
        for (int pos = 0; pos < schedule.size(); pos++) {
            for (int w : schedule.get(pos).writes()) {
                if (born[w] < 0 && !inSink[w]) {
                    born[w] = pos;
                    dies[w] = kept[w] ? Integer.MAX_VALUE : pos;
                    values.add(w);
                }
            }
        }
        for (int pos = 0; pos < schedule.size(); pos++) {
            for (int r : schedule.get(pos).reads()) {
                if (born[r] >= 0 && !kept[r]) {
                    dies[r] = Math.max(dies[r], pos);
                }
            }
        }
        values.sort((a, b) -> a.equals(b) ? 0 : g.node(a).shape().size() != g.node(b).shape().size()
                ? Integer.compare(g.node(b).shape().size(), g.node(a).shape().size()) : Integer.compare(born[a], born[b]));
        List<float[]> buffers = new ArrayList<>();
        List<Lifetimes> busy = new ArrayList<>();
        TreeMap<Integer, List<Integer>> byCapacity = new TreeMap<>();
        Map<Integer, Integer> ofSize = new HashMap<>();
        for (int w : values) {
            int size = g.node(w).shape().size();
            int from = kept[w] ? 0 : born[w];
            int b = kept[w] ? -1 : donated(w, sameIndex.get(w), born, dies, kept, physical, busy);
            if (b >= 0) {
                if (dies[w] > born[w]) {
                    busy.get(b).add(born[w] + 1, dies[w]);
                }
                physical[w] = b;
                continue;
            }
            b = kept[w] ? -1 : firstFree(byCapacity.tailMap(size, true), busy, from, dies[w]);
            if (b < 0) {
                b = buffers.size();
                buffers.add(shared.get(size, ofSize.merge(size, 1, Integer::sum) - 1));
                busy.add(new Lifetimes());
                byCapacity.computeIfAbsent(size, c -> new ArrayList<>()).add(b);
            }
            busy.get(b).add(from, dies[w]);
            physical[w] = b;
        }
        return buffers.toArray(float[][]::new);
    }

    /**
     * The buffer of an input of {@code w}'s unit that the unit reads last and at the index it writes (an element-wise
     * op), free after the unit until {@code w} dies: {@code w} is computed in place over it, and a step's chain of
     * element-wise values keeps to the same few buffers, which stay in cache. -1 when there is none.
     */
    private static int donated(int w, int[] inputs, int[] born, int[] dies, boolean[] kept, int[] physical, List<Lifetimes> busy) {
        if (inputs == null || dies[w] == Integer.MAX_VALUE) {
            return -1;
        }
        for (int d : inputs) {
            int b = physical[d];
            if (b >= 0 && !kept[d] && born[d] >= 0 && dies[d] == born[w] && (dies[w] == born[w] || busy.get(b).free(born[w] + 1, dies[w]))) {
                return b;
            }
        }
        return -1;
    }

    /**
     * For each value an element-wise unit writes, the inputs of its shape: the unit reads each at the index it
     * writes ({@link ElementwiseLowerings#readsAtWrittenIndex}), so it may write over one of them.
     */
    private static Map<Integer, int[]> sameIndexInputs(Graph g, List<Unit> schedule) {
        Map<Integer, int[]> inputs = new HashMap<>();
        for (Unit u : schedule) {
            if (u.writes().length != 1 || u.covers().length != 1 || u.covers()[0] != u.writes()[0]) {
                continue;
            }
            Node n = g.node(u.writes()[0]);
            if (ElementwiseLowerings.readsAtWrittenIndex(n)) {
                int[] same = n.inputs().stream().distinct().filter(i -> g.node(i).shape().equals(n.shape())).mapToInt(Integer::intValue).toArray();
                if (same.length > 0) {
                    inputs.put(n.id(), same);
                }
            }
        }
        return inputs;
    }

    /** The first buffer, the smallest first, free over [from, to], or -1. */
    private static int firstFree(Map<Integer, List<Integer>> byCapacity, List<Lifetimes> busy, int from, int to) {
        for (List<Integer> ofCapacity : byCapacity.values()) {
            for (int b : ofCapacity) {
                if (busy.get(b).free(from, to)) {
                    return b;
                }
            }
        }
        return -1;
    }

    /** The disjoint lifetimes [start, end] (schedule positions, inclusive) of the values one buffer holds, by start. */
    private static final class Lifetimes {
        private int[] starts = new int[4];
        private int[] ends = new int[4];
        private int count;

        boolean free(int from, int to) {
            int before = lastStartingBy(to);
            return before < 0 || ends[before] < from;
        }

        void add(int from, int to) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, 2 * count);
                ends = Arrays.copyOf(ends, 2 * count);
            }
            int at = lastStartingBy(from) + 1;
            System.arraycopy(starts, at, starts, at + 1, count - at);
            System.arraycopy(ends, at, ends, at + 1, count - at);
            starts[at] = from;
            ends[at] = to;
            count++;
        }

        /** The index of the last lifetime starting at or before {@code pos}, or -1. */
        private int lastStartingBy(int pos) {
            int lo = 0;
            int hi = count - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (starts[mid] <= pos) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return hi;
        }
    }
}
