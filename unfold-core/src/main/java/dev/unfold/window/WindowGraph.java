package dev.unfold.window;

import dev.unfold.autodiff.Vjp;
import dev.unfold.data.Episode;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Sink;
import dev.unfold.graph.Direction;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.nn.Losses;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.op.Affine;
import dev.unfold.op.Var;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The unfolded model over one window of L steps, with targets and a loss on the steps marked in
 * {@code lossAt}: the mean over those steps of each step's loss (mean cross-entropy over the batch, or
 * mean squared error). With gradients, also the VJP graph. Built once per window shape and reused. A window
 * is fed through {@link #feeds}, the one place where weights, a carried state and an episode's steps meet
 * the graph's leaves.
 */
public final class WindowGraph {
    private final Graph graph;
    private final Vjp.Gradients gradients;
    private final RecurrentModel.Unfolded parts;
    private final List<CarriedState> states;
    private final List<Var> targets;
    private final List<Var> lossWeights;
    private final boolean[] lossAt;
    private final Rebuild rebuild;
    private final Map<Integer, List<WindowGraph>> shards = new HashMap<>();
    private final Map<Parameter, Integer> gradientNodes;
    private final Map<Gradients, Sink> sinks = new IdentityHashMap<>();
    private final List<Var> probes;

    /** What built this window, so that its batch can be split into shards of the same window. */
    private record Rebuild(RecurrentModel model, int batch, DType dtype, Mode mode) {
    }


    /** One carried state: its slot, the leaf of its initial value, and its value after each step. */
    public record CarriedState(RecurrentState.Slot slot, Var initial, List<Var> afterStep) {
        /** Whether its chain runs back from the last step: its initial value enters there, and it leaves after step 0. */
        public boolean reverse() {
            return slot.layer().direction() == Direction.REVERSE;
        }

        /** The step after which it leaves a graph of {@code length} steps: the last, or 0 for a reverse chain. */
        public int exitStep(int length) {
            return reverse() ? 0 : length - 1;
        }
    }

    /** Whether a window graph carries the backward pass. */
    public enum Mode { FORWARD, GRADIENTS }

    private WindowGraph(Graph graph, Vjp.Gradients gradients, RecurrentModel.Unfolded parts, List<CarriedState> states, List<Var> targets,
            List<Var> weights, boolean[] lossAt, Rebuild rebuild, List<Var> probes) {
        this.graph = graph;
        this.probes = List.copyOf(probes);
        this.lossWeights = weights;
        this.gradients = gradients;
        this.parts = parts;
        this.states = states;
        this.targets = targets;
        this.lossAt = lossAt;
        this.rebuild = rebuild;
        Map<Parameter, Integer> nodes = new LinkedHashMap<>();
        if (gradients != null) {
            parts.params().forEach((p, v) -> {
                if (gradients.has(v.id())) {
                    nodes.put(p, gradients.gradOf(v.id()));
                }
            });
        }
        this.gradientNodes = Collections.unmodifiableMap(nodes);
    }

    /** The window graph; {@code lossAt[t]} says whether step t has targets and a loss. */
    public static WindowGraph build(RecurrentModel model, int batch, boolean[] lossAt, DType dtype, Mode mode) {
        int counted = 0;
        for (boolean b : lossAt) {
            counted += b ? 1 : 0;
        }
        return build(model, batch, lossAt, dtype, mode, mode == Mode.GRADIENTS ? Phase.TRAINING : Phase.EVALUATION, counted, false);
    }

    /**
     * A segment of a longer training window, as memory-bounded BPTT runs it: the model in training over the
     * segment's steps, the loss of its marked steps divided by {@code windowLossSteps} (the whole window's), so that
     * the segments' losses sum to the window's; with gradients, a probe per carried state at the segment's end
     * (role PROBE, fed with dL/ds of the steps after it) adds {@code Σ probe ⊙ s_end} to what is differentiated, and
     * the gradients of the segment's initial states are kept ({@link #stateGradients}). Without gradients, the same
     * forward pass in training (its masks read), which advances the state.
     */
    public static WindowGraph segment(RecurrentModel model, int batch, boolean[] lossAt, int windowLossSteps, DType dtype, Mode mode) {
        return build(model, batch, lossAt, dtype, mode, Phase.TRAINING, Math.max(1, windowLossSteps), mode == Mode.GRADIENTS);
    }

    private static WindowGraph build(RecurrentModel model, int batch, boolean[] lossAt, DType dtype, Mode mode, Phase phase, int divisor, boolean probed) {
        int length = lossAt.length;
        GraphBuilder b = new GraphBuilder();
        RecurrentModel.Unfolded parts = model.unfold(b, length, batch, dtype, phase);
        List<Var> targets = new ArrayList<>(Collections.nCopies(length, null));
        List<Var> weights = new ArrayList<>(Collections.nCopies(length, null));
        boolean weighted = model.weighsSteps();
        if (weighted && model.outputKind() != SequenceModelSpec.OutputKind.CLASSES) {
            throw new IllegalArgumentException("a model scored at every valid step of sequences of their own lengths must output classes");
        }
        Var sum = null;
        b.as(Role.of(Role.Kind.LOSS));
        for (int t = 0; t < length; t++) {
            if (!lossAt[t]) {
                continue;
            }
            b.at(t);
            Var y = parts.outputs().get(t);
            boolean classes = model.outputKind() == SequenceModelSpec.OutputKind.CLASSES;
            Var target = b.input("target[" + t + "]", classes ? Shape.of(batch) : y.shape(), dtype, Role.of(Role.Kind.TARGET));
            targets.set(t, target);
            Var term;
            if (weighted) {
                Var weight = b.input("weight[" + t + "]", Shape.of(batch, 1), dtype, Role.of(Role.Kind.TARGET));
                weights.set(t, weight);
                term = b.apply("loss", new dev.unfold.op.WeightedCrossEntropy(), y, target, weight);
            } else {
                term = classes ? Losses.softmaxCrossEntropy(b, y, target) : Losses.meanSquaredError(b, y, target);
            }
            sum = sum == null ? term : b.add(sum, term);
        }
        b.at(Node.NO_STEP);
        Var loss = null;
        if (sum != null) {
            loss = b.apply("loss", weighted ? Affine.scaleBy(1.0) : Affine.scaleBy(1.0 / divisor), sum);
        } else if (probed) {
            loss = b.constant(Tensor.scalar(dtype, 0));
        }
        List<CarriedState> carried = carried(parts);
        List<Var> probes = new ArrayList<>();
        Var objective = loss;
        if (probed) {
            b.as(Role.of(Role.Kind.PROBE));
            for (CarriedState s : carried) {
                Var end = s.afterStep().get(s.exitStep(length));
                Var probe = b.input("probe:" + s.slot().label(), end.shape(), dtype, Role.of(Role.Kind.PROBE));
                probes.add(probe);
                objective = b.add(objective, Losses.weightedSum(b, end, probe));
            }
        }
        if (loss != null) {
            b.output("loss", loss);
        }
        if (probed) {
            b.output("objective", objective);
        }
        Graph forward = b.build();
        Vjp.Gradients grads = mode == Mode.GRADIENTS && loss != null ? Vjp.of(forward, probed ? "objective" : "loss") : null;
        return new WindowGraph(grads != null ? grads.graph() : forward, grads, parts, carried, targets, weights, lossAt.clone(),
                new Rebuild(model, batch, dtype, mode), probes);
    }

    private static List<CarriedState> carried(RecurrentModel.Unfolded parts) {
        List<CarriedState> out = new ArrayList<>();
        for (RecurrentNetwork.Run run : parts.network().runs()) {
            for (int i = 0; i < run.slots().size(); i++) {
                int index = i;
                List<Var> after = run.states().stream().map(s -> s.get(index)).toList();
                out.add(new CarriedState(run.slots().get(i), run.initialState().get(i), after));
            }
        }
        return out;
    }

    /**
     * The feeds of a run over steps {@code [start, start + L)} of {@code episode}: the weights, the
     * initial state, each step's inputs, and the targets of the steps with a loss.
     */
    public Feeds feeds(Weights weights, RecurrentState initial, Episode episode, int start) {
        return feeds(weights, new WindowFeed(episode, start, initial));
    }

    /** The feeds of a run: the weights, the initial state, each step's inputs and targets, and the masks of a training window. */
    public Feeds feeds(Weights weights, WindowFeed feed) {
        List<MaskLeaf> masks = parts.masks();
        if (feed.masks().size() != masks.size()) {
            throw new IllegalArgumentException("the window reads " + masks.size() + " masks, " + feed.masks().size() + " were given");
        }
        Episode episode = feed.episode();
        int start = feed.start();
        RecurrentState initial = feed.initial();
        Feeds.Builder f = Feeds.builder();
        for (int i = 0; i < masks.size(); i++) {
            f.put(masks.get(i).node(), feed.masks().get(i));
        }
        parts.params().forEach((p, v) -> f.put(v, weights.get(p)));
        for (CarriedState s : states) {
            f.put(s.initial(), initial.get(s.slot()));
        }
        List<Var> valid = parts.valid();
        if (!valid.isEmpty()) {
            SequenceLengths lengths = episode.lengths().orElseGet(() -> SequenceLengths.full(start + length(), batch()));
            for (int t = 0; t < length(); t++) {
                f.put(valid.get(t), lengths.valid(start + t, rebuild.dtype()));
            }
        }
        for (int t = 0; t < length(); t++) {
            f.put(parts.inputs().get(t), episode.input(start + t));
            if (lossAt[t]) {
                int step = start + t;
                Optional<Tensor> target = episode.target(step);
                f.put(targets.get(t), target.orElseThrow(() -> new IllegalStateException("no target at step " + step)));
                if (lossWeights.get(t) != null) {
                    f.put(lossWeights.get(t), episode.weight(step).orElseThrow(() -> new IllegalStateException("no loss weights at step " + step)));
                }
            }
        }
        return f.build();
    }

    /** A segment's feeds: those of {@link #feeds(Weights, WindowFeed)}, and {@code probe}, dL/ds at its end, for its probes. */
    public Feeds feeds(Weights weights, WindowFeed feed, RecurrentState probe) {
        Feeds f = feeds(weights, feed);
        for (int i = 0; i < probes.size(); i++) {
            f = f.with(probes.get(i).id(), probe.get(states.get(i).slot()));
        }
        return f;
    }

    /** The mask leaves of a training window, in the order its {@link Masks} hold them. */
    public List<MaskLeaf> masks() {
        return parts.masks();
    }

    /** Zeros for every carried state, the state at the start of an episode. */
    public RecurrentState zeroState() {
        return RecurrentState.zeros(states.stream().map(CarriedState::slot).toList(), batch(), rebuild.dtype());
    }

    public Graph graph() {
        return graph;
    }

    public RecurrentModel model() {
        return rebuild.model();
    }

    public int batch() {
        return rebuild.batch();
    }

    public DType dtype() {
        return rebuild.dtype();
    }

    /** Rows {@code [from, to)} of shard {@code i} when the batch is split into {@code n} shards as evenly as can be. */
    public static int shardStart(int batch, int n, int i) {
        return (int) ((long) batch * i / n);
    }

    /** The same window over each of {@code n} shards of the batch (built once, then reused). */
    public synchronized List<WindowGraph> shards(int n) {
        if (n < 1 || n > batch()) {
            throw new IllegalArgumentException("cannot split a batch of " + batch() + " into " + n + " shards");
        }
        return shards.computeIfAbsent(n, k -> {
            List<WindowGraph> out = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                int rows = shardStart(batch(), k, i + 1) - shardStart(batch(), k, i);
                out.add(build(rebuild.model(), rows, lossAt, rebuild.dtype(), rebuild.mode()));
            }
            return List.copyOf(out);
        });
    }

    public boolean hasLoss() {
        return graph.outputs().containsKey("loss");
    }

    public boolean hasGradients() {
        return gradients != null;
    }

    /** The gradient graph; present when built with gradients and a loss. */
    public Vjp.Gradients gradients() {
        if (gradients == null) {
            throw new IllegalStateException("this window graph has no backward pass");
        }
        return gradients;
    }

    public RecurrentModel.Unfolded parts() {
        return parts;
    }

    public List<CarriedState> states() {
        return states;
    }

    public int length() {
        return lossAt.length;
    }

    public boolean lossAt(int t) {
        return lossAt[t];
    }

    /**
     * The values a run keeps: the loss, the carried states after steps {@code statesFrom} onwards, and the
     * outputs of every step when asked. Keeping less saves copying them out of the run.
     */
    public Set<Integer> results(int statesFrom, boolean outputs) {
        Set<Integer> keep = new HashSet<>(graph.outputs().values());
        if (!probes.isEmpty()) {
            for (int g : stateGradients()) {
                if (g >= 0) {
                    keep.add(g);
                }
            }
        }
        if (outputs) {
            parts.outputs().forEach(v -> keep.add(v.id()));
        }
        states.forEach(s -> s.afterStep().subList(Math.max(0, statesFrom), s.afterStep().size()).forEach(v -> keep.add(v.id())));
        return keep;
    }

    /** A segment's probe leaves, one per carried state in the order of {@link #states}; empty for a whole window. */
    public List<Var> probes() {
        return probes;
    }

    /** The nodes of the gradients of a segment's initial states, in the order of {@link #states} (-1 for one the objective does not reach). */
    public int[] stateGradients() {
        int[] out = new int[states.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = gradients != null && gradients.has(states.get(i).initial().id()) ? gradients.gradOf(states.get(i).initial().id()) : -1;
        }
        return out;
    }

    /** The node of dL/dθ of each parameter the loss reaches (empty without a backward pass). */
    public Map<Parameter, Integer> gradientNodes() {
        return gradientNodes;
    }

    /** The executor's sink for gradient buffers {@code g}, made once per sink by {@code make}. */
    synchronized Sink sinkFor(Gradients g, java.util.function.Supplier<Sink> make) {
        return sinks.computeIfAbsent(g, k -> make.get());
    }
}
