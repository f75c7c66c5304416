package dev.unfold.window;

import dev.unfold.exec.Sink;
import dev.unfold.exec.Values;
import dev.unfold.graph.Direction;
import dev.unfold.graph.Role;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Memory-bounded BPTT for a network with reverse chains. Cut into units of k steps, a window's forward chains carry
 * their states from each unit to the next on the right, its reverse chains to the next on the left, and layer l + 1
 * reads both of layer l's; so no single order of the units runs them all. Instead every chain's state at every unit
 * boundary is found by sweeps over the units, each sweep running the units one way and finding the chains of that
 * direction whose lower layers are known (layer by layer: layer 0's forward chain left to right, then the reverse
 * chains right to left, ...). The gradients dL/ds of those states are found the same way from the top layer down
 * (a forward chain's right to left, a reverse chain's left to right), each unit's adjoint fed the gradients known at
 * its exits. The last sweep has every exit's gradient exact, so its units' parameter gradients, loss and states are
 * those of full BPTT over the window, summed unit by unit. It holds one unit's activations and two values, the state
 * and its gradient, of every chain at every boundary: {@code k·a + 2·(⌈L/k⌉ + 1)·s}.
 */
public final class BoundarySweeps {
    private final SegmentedBptt runner;
    private final Weights weights;
    /** The window the units run: the window itself, or for a model read at its final states the same without its loss, which the head has. */
    private final SegmentedBptt.Window w;
    private final SegmentedBptt.Window window;
    private final boolean headed;
    private final Gradients into;
    private final Gradients unit;
    private final int length;
    private final int units;
    private final List<Role.Layer> chains;
    private final List<WindowGraph.CarriedState> slots;
    /** Each slot's state at each boundary b (the step b·k): a forward chain's entering step b·k, a reverse chain's leaving it. */
    private final Tensor[][] states;
    /** dL/ds of each of those states. */
    private final Tensor[][] adjoints;
    private final Map<Integer, RecurrentState> kept = new TreeMap<>();
    private double loss;

    BoundarySweeps(SegmentedBptt runner, Weights weights, SegmentedBptt.Window w, Gradients into) {
        this.runner = runner;
        this.weights = weights;
        this.window = w;
        this.headed = runner.model() instanceof SequenceModel m && m.spec().output().reads() == SequenceModelSpec.Reads.FINAL_STATE;
        this.w = headed ? new SegmentedBptt.Window(w.feed(), new boolean[w.lossAt().length], w.statesFrom(), w.masks()) : w;
        this.into = into;
        this.unit = new Gradients(into.parameters(), into.dtype());
        this.length = w.lossAt().length;
        this.units = (length + runner.plan().unitSteps() - 1) / runner.plan().unitSteps();
        this.slots = runner.graph(w, 0, WindowGraph.Mode.GRADIENTS).states();
        Set<Role.Layer> layers = new LinkedHashSet<>();
        slots.forEach(s -> layers.add(s.slot().layer()));
        this.chains = List.copyOf(layers);
        this.states = new Tensor[slots.size()][units + 1];
        this.adjoints = new Tensor[slots.size()][units + 1];
        RecurrentState initial = w.feed().initial();
        for (int i = 0; i < slots.size(); i++) {
            WindowGraph.CarriedState s = slots.get(i);
            states[i][s.reverse() ? units : 0] = initial.get(s.slot());
            adjoints[i][s.reverse() ? 0 : units] = zeros(s);
        }
    }

    /** One sweep over the units: finding states (or their gradients) of {@code chains}, running the units {@code way}. */
    public record Sweep(boolean adjoint, Direction way, List<Role.Layer> chains) {
    }

    /**
     * The sweeps for the chains {@code chains} (PyTorch's order: l0, l0_reverse, l1, ...). States: each sweep, left to
     * right then right to left in turn, finds the chains running its way whose lower layers are known or found in the
     * same sweep (layer l + 1 reads layer l at the same steps). Gradients: each sweep finds the chains whose adjoints
     * run its way (a forward chain's right to left) and whose upper layers are done or found in the same sweep.
     */
    public static List<Sweep> sweeps(List<Role.Layer> chains) {
        List<Sweep> out = new ArrayList<>();
        Set<Role.Layer> known = new HashSet<>();
        for (Direction way = Direction.FORWARD; known.size() < chains.size(); way = other(way)) {
            List<Role.Layer> sweep = new ArrayList<>();
            for (Role.Layer c : chains) {
                boolean below = chains.stream().filter(l -> l.index() < c.index()).allMatch(l -> known.contains(l) || sweep.contains(l));
                if (c.direction() == way && !known.contains(c) && below) {
                    sweep.add(c);
                }
            }
            known.addAll(sweep);
            if (!sweep.isEmpty()) {
                out.add(new Sweep(false, way, List.copyOf(sweep)));
            }
        }
        Set<Role.Layer> done = new HashSet<>();
        for (Direction way = Direction.REVERSE; done.size() < chains.size(); way = other(way)) {
            List<Role.Layer> sweep = new ArrayList<>();
            for (int i = chains.size() - 1; i >= 0; i--) {
                Role.Layer c = chains.get(i);
                boolean above = chains.stream().filter(l -> l.index() > c.index()).allMatch(l -> done.contains(l) || sweep.contains(l));
                if (other(c.direction()) == way && !done.contains(c) && above) {
                    sweep.add(c);
                }
            }
            done.addAll(sweep);
            if (!sweep.isEmpty()) {
                out.add(new Sweep(true, way, List.copyOf(sweep)));
            }
        }
        return out;
    }

    /** The sweeps of a bidirectional network of {@code layers} layers. */
    public static List<Sweep> sweeps(int layers) {
        List<Role.Layer> chains = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            chains.add(new Role.Layer(l, Direction.FORWARD));
            chains.add(new Role.Layer(l, Direction.REVERSE));
        }
        return sweeps(chains);
    }

    /** The units of a window of {@code units} units in the order a sweep {@code way} runs them. */
    public static List<Integer> order(Direction way, int units) {
        List<Integer> out = new ArrayList<>();
        for (int u = 0; u < units; u++) {
            out.add(way == Direction.FORWARD ? u : units - 1 - u);
        }
        return out;
    }

    /** Sweeps the states forward chain by chain, then their gradients back, and returns the window's loss and states. */
    SegmentedBptt.Result go() {
        into.zero();
        Set<Role.Layer> known = new HashSet<>();
        Set<Role.Layer> done = new HashSet<>();
        List<Sweep> all = sweeps(chains);
        for (int i = 0; i < all.size(); i++) {
            Sweep sweep = all.get(i);
            if (headed && sweep.adjoint() && done.isEmpty()) {
                head();
            }
            for (int u : order(sweep.way(), units)) {
                if (sweep.adjoint()) {
                    adjoint(u, sweep.chains(), done, i == all.size() - 1);
                } else {
                    advance(u, sweep.chains(), known);
                }
            }
            (sweep.adjoint() ? done : known).addAll(sweep.chains());
        }
        return new SegmentedBptt.Result(loss, kept);
    }

    /** The nodes where the sweep's chains leave a unit graph: only their layers and those below run forward. */
    private static Set<Integer> exits(WindowGraph g, List<Role.Layer> sweep) {
        Set<Integer> keep = new HashSet<>();
        for (WindowGraph.CarriedState s : g.states()) {
            if (sweep.contains(s.slot().layer())) {
                keep.add(s.afterStep().get(s.exitStep(g.length())).id());
            }
        }
        return keep;
    }

    /**
     * The loss of a model read at its final states: its head on the top layer's h_n (the forward chain's after the
     * window's last step, the reverse chain's after its first), which gives the window's loss, the decoder's
     * gradients and the gradients the top chains' adjoints start from at those ends.
     */
    private void head() {
        int top = chains.stream().mapToInt(Role.Layer::index).max().orElseThrow();
        int forward = firstSlot(new Role.Layer(top, Direction.FORWARD));
        int reverse = firstSlot(new Role.Layer(top, Direction.REVERSE));
        HeadGraph h = runner.head(window);
        WindowFeed f = window.feed();
        HeadGraph.Result r = h.run(runner.executor(), weights, List.of(states[forward][units], states[reverse][0]), f.episode(), f.start(),
                window.masks().draw(h.graph(), h.masks(), 0), into);
        loss += r.loss();
        adjoints[forward][units] = r.finalGradients().get(0);
        adjoints[reverse][0] = r.finalGradients().get(1);
    }

    /** The first of a chain's slots: its h (o for a Jordan network), what its final output is. */
    private int firstSlot(Role.Layer chain) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).slot().layer().equals(chain)) {
                return i;
            }
        }
        throw new IllegalStateException("no slot of " + chain.scope());
    }

    /**
     * Unit u forward from the boundary states known (zeros for the others), keeping where the sweep's chains leave it:
     * the unit's adjoint graph run forward only as far as those chains, its program sharing the adjoint's buffers.
     */
    private void advance(int u, List<Role.Layer> sweep, Set<Role.Layer> known) {
        int start = start(u);
        WindowGraph g = runner.graph(w, start, WindowGraph.Mode.GRADIENTS);
        Values v = runner.executor().run(g.graph(), g.feeds(weights, SegmentedBptt.feed(w, g, start, entering(u, sweep, known)), runner.zerosLike(g)),
                exits(g, sweep), Sink.none());
        List<WindowGraph.CarriedState> here = g.states();
        for (int i = 0; i < here.size(); i++) {
            WindowGraph.CarriedState s = here.get(i);
            if (sweep.contains(s.slot().layer())) {
                states[i][s.reverse() ? u : u + 1] = v.get(s.afterStep().get(s.exitStep(g.length())));
            }
        }
    }

    /**
     * Unit u forward and backward, fed the gradients known where chains leave it (zeros for the others, which do not
     * reach the sweep's chains), keeping dL/ds where the sweep's chains enter it; in the last sweep also its parameter
     * gradients, loss and states.
     */
    private void adjoint(int u, List<Role.Layer> sweep, Set<Role.Layer> done, boolean last) {
        int start = start(u);
        WindowGraph g = runner.graph(w, start, WindowGraph.Mode.GRADIENTS);
        Map<RecurrentState.Slot, Tensor> probe = new LinkedHashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            WindowGraph.CarriedState s = slots.get(i);
            Role.Layer c = s.slot().layer();
            probe.put(s.slot(), done.contains(c) || sweep.contains(c) ? adjoints[i][s.reverse() ? u : u + 1] : zeros(s));
        }
        int from = Math.min(g.length(), Math.max(0, w.statesFrom() - start));
        Set<Integer> keep = last ? g.results(from, false) : new HashSet<>();
        int[] grads = g.stateGradients();
        for (int i = 0; i < slots.size(); i++) {
            if (grads[i] >= 0) {
                keep.add(grads[i]);
            }
        }
        Sink sink = last ? LocalRunner.sink(g, unit) : Sink.none();
        Values v = runner.executor().run(g.graph(), g.feeds(weights, SegmentedBptt.feed(w, g, start, entering(u, chains, Set.of())), RecurrentState.of(probe)),
                keep, sink);
        for (int i = 0; i < slots.size(); i++) {
            WindowGraph.CarriedState s = slots.get(i);
            if (sweep.contains(s.slot().layer())) {
                adjoints[i][s.reverse() ? u + 1 : u] = grads[i] >= 0 ? v.get(grads[i]) : zeros(s);
            }
        }
        if (last) {
            loss += headed ? 0 : v.output("loss").get(0);
            into.add(unit);
            for (int t = from; t < g.length(); t++) {
                kept.put(start + t, SegmentedBptt.stateAfter(g, v, t));
            }
        }
    }

    /** The states entering unit u: a forward chain's at its left boundary, a reverse chain's at its right; zeros for a chain not yet known. */
    private RecurrentState entering(int u, List<Role.Layer> sweep, Set<Role.Layer> known) {
        Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            WindowGraph.CarriedState s = slots.get(i);
            Role.Layer c = s.slot().layer();
            out.put(s.slot(), known.contains(c) || sweep.contains(c) ? states[i][s.reverse() ? u + 1 : u] : zeros(s));
        }
        return RecurrentState.of(out);
    }

    private int start(int u) {
        return u * runner.plan().unitSteps();
    }

    private Tensor zeros(WindowGraph.CarriedState s) {
        return Tensor.zeros(runner.dtype(), s.slot().shape(runner.batch()));
    }

    private static Direction other(Direction d) {
        return d == Direction.FORWARD ? Direction.REVERSE : Direction.FORWARD;
    }
}
