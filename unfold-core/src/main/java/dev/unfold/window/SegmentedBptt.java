package dev.unfold.window;

import dev.unfold.exec.Executor;
import dev.unfold.exec.Sink;
import dev.unfold.exec.Values;
import dev.unfold.graph.Direction;
import dev.unfold.graph.Graph;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * BPTT over a window of L steps in bounded memory, for one batch of rows on the calling thread. The window is
 * cut into units of k steps; a unit's adjoint is one segment graph ({@link WindowGraph#segment}) run forward with
 * its activations and backward, fed its initial state and dL/ds at its end, giving dL/ds at its start; at most m
 * unit-boundary states are held at once, and the others are reached by running units forward from the nearest
 * held one, following {@link Recomputation#schedule}. The gradients are those of full BPTT over the window, summed
 * unit by unit.
 */
final class SegmentedBptt {
    private final Executor executor;
    private final RecurrentModel model;
    private final int batch;
    private final DType dtype;
    private final BpttMemory.Plan plan;
    private final boolean reverse;
    private final Recomputation policy = new Recomputation();
    private final Map<Integer, List<Recomputation.Action>> schedules = new HashMap<>();
    private final Map<String, HeadGraph> heads = new HashMap<>();
    private final Map<String, WindowGraph> graphs = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WindowGraph> eldest) {
            return size() > WindowGraphs.KEPT;
        }
    };

    /** What a run gives: the window's loss and the states after the steps asked for. */
    record Result(double loss, Map<Integer, RecurrentState> states) {
    }

    SegmentedBptt(Executor executor, RecurrentModel model, int batch, DType dtype, BpttMemory.Plan plan) {
        this.executor = executor;
        this.model = model;
        this.batch = batch;
        this.dtype = dtype;
        this.plan = plan;
        this.reverse = model.stateSlots().stream().anyMatch(s -> s.layer().direction() == Direction.REVERSE);
    }

    /**
     * One window's run; {@code masks} gives each unit's masks, and the gradients are written into {@code into}. A
     * network with reverse chains runs by {@link BoundarySweeps}: its states flow both ways through the units.
     */
    Result run(Weights weights, Window w, Gradients into) {
        return reverse ? new BoundarySweeps(this, weights, w, into).go() : new Run(weights, w, into).go();
    }

    Executor executor() {
        return executor;
    }

    RecurrentModel model() {
        return model;
    }

    BpttMemory.Plan plan() {
        return plan;
    }

    int batch() {
        return batch;
    }

    DType dtype() {
        return dtype;
    }

    /** The feed of a unit starting at window step {@code start} from its initial state {@code s}, with its masks. */
    static WindowFeed feed(Window w, WindowGraph g, int start, RecurrentState s) {
        WindowFeed f = w.feed();
        return new WindowFeed(f.episode(), f.start() + start, s, w.masks().draw(g.graph(), g.masks(), start));
    }

    /** The graph of the unit starting at window step {@code start}: forward only, or with its loss and backward pass. */
    WindowGraph graph(Window w, int start, WindowGraph.Mode mode) {
        int length = w.lossAt().length;
        int steps = Math.min(plan.unitSteps(), length - start);
        int lossSteps = count(w.lossAt());
        boolean[] lossAt = mode == WindowGraph.Mode.GRADIENTS ? Arrays.copyOfRange(w.lossAt(), start, start + steps) : new boolean[steps];
        StringBuilder key = new StringBuilder(mode.name()).append(':').append(lossSteps).append(':');
        for (boolean b : lossAt) {
            key.append(b ? '1' : '0');
        }
        return graphs.computeIfAbsent(key.toString(), k -> WindowGraph.segment(model, batch, lossAt, lossSteps, dtype, mode));
    }

    /** The head of a window of a model read at its final states ({@link BoundarySweeps} runs it apart from the units). */
    HeadGraph head(Window w) {
        StringBuilder key = new StringBuilder("HEAD:");
        for (boolean b : w.lossAt()) {
            key.append(b ? '1' : '0');
        }
        return heads.computeIfAbsent(key.toString(), k -> new HeadGraph((SequenceModel) model, batch, w.lossAt(), dtype));
    }

    /** The nodes of the states where each chain leaves a unit graph. */
    static Set<Integer> exits(WindowGraph g) {
        Set<Integer> keep = new HashSet<>();
        for (WindowGraph.CarriedState c : g.states()) {
            keep.add(c.afterStep().get(c.exitStep(g.length())).id());
        }
        return keep;
    }

    /** Zero probes for a unit graph run forward only. */
    RecurrentState zerosLike(WindowGraph g) {
        return RecurrentState.zeros(g.states().stream().map(WindowGraph.CarriedState::slot).toList(), batch, dtype);
    }

    /** A window to run: its feed (episode, start, initial state), where its loss is, the states to keep, and how to draw a unit's masks. */
    record Window(WindowFeed feed, boolean[] lossAt, int statesFrom, UnitMasks masks) {
    }

    /** The masks of {@code leaves} of a graph over window steps from {@code offset} (a unit's, or a head's at offset 0). */
    @FunctionalInterface
    interface UnitMasks {
        Masks draw(Graph graph, List<MaskLeaf> leaves, int offset);
    }

    private final class Run {
        private final Weights weights;
        private final Window w;
        private final Gradients into;
        private final Gradients unit;
        private final int length;
        private final int units;
        private final Map<Integer, RecurrentState> kept = new TreeMap<>();
        private double loss;

        Run(Weights weights, Window w, Gradients into) {
            this.weights = weights;
            this.w = w;
            this.into = into;
            this.unit = new Gradients(into.parameters(), into.dtype());
            this.length = w.lossAt().length;
            this.units = (length + plan.unitSteps() - 1) / plan.unitSteps();
        }

        Result go() {
            into.zero();
            Map<Integer, RecurrentState> held = new HashMap<>();
            RecurrentState now = w.feed().initial();
            RecurrentState g = zeros();
            for (Recomputation.Action a : schedules.computeIfAbsent(units, n -> policy.schedule(n, plan.slots()))) {
                switch (a.kind()) {
                    case RESTORE -> now = held.get(a.unit());
                    case ADVANCE -> now = advance(a.unit(), now);
                    case STORE -> held.put(a.unit(), now);
                    case FREE -> held.remove(a.unit());
                    case ADJOINT -> g = adjoint(a.unit(), now, g);
                }
            }
            return new Result(loss, kept);
        }

        /**
         * The state at unit {@code u + 1}'s start, from {@code s} at unit u's: the unit's adjoint graph run forward only
         * (its program shares its buffers with the adjoint's, so a unit's activations are held once).
         */
        private RecurrentState advance(int u, RecurrentState s) {
            int start = u * plan.unitSteps();
            WindowGraph g = graph(w, start, WindowGraph.Mode.GRADIENTS);
            Values v = executor.run(g.graph(), g.feeds(weights, feed(w, g, start, s), zerosLike(g)), exits(g), Sink.none());
            return stateAfter(g, v, g.length() - 1);
        }

        /** Unit u forward and backward from its state {@code s}, dL/ds at its end {@code g}: its gradients added, dL/ds at its start returned. */
        private RecurrentState adjoint(int u, RecurrentState s, RecurrentState g) {
            int start = u * plan.unitSteps();
            WindowGraph graph = graph(w, start, WindowGraph.Mode.GRADIENTS);
            int from = Math.min(graph.length(), Math.max(0, w.statesFrom() - start));
            Sink sink = LocalRunner.sink(graph, unit);
            Values v = executor.run(graph.graph(), graph.feeds(weights, feed(w, graph, start, s), g), graph.results(from, false), sink);
            loss += v.output("loss").get(0);
            into.add(unit);
            for (int t = from; t < graph.length(); t++) {
                kept.put(start + t, stateAfter(graph, v, t));
            }
            Map<RecurrentState.Slot, Tensor> grad = new LinkedHashMap<>();
            int[] nodes = graph.stateGradients();
            for (int i = 0; i < nodes.length; i++) {
                WindowGraph.CarriedState c = graph.states().get(i);
                grad.put(c.slot(), nodes[i] >= 0 ? v.get(nodes[i]) : Tensor.zeros(dtype, c.slot().shape(batch)));
            }
            return RecurrentState.of(grad);
        }

        private RecurrentState zeros() {
            return RecurrentState.zeros(model.stateSlots(), batch, dtype);
        }
    }

    static RecurrentState stateAfter(WindowGraph g, Values v, int t) {
        Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : g.states()) {
            out.put(s.slot(), v.get(s.afterStep().get(t)));
        }
        return RecurrentState.of(out);
    }

    private static int count(boolean[] a) {
        int n = 0;
        for (boolean b : a) {
            n += b ? 1 : 0;
        }
        return n;
    }
}
