package dev.unfold.train;

import dev.unfold.data.Episode;
import dev.unfold.data.SequenceSource;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Clipping;
import dev.unfold.optim.Gradients;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.Optimizer;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.window.BpttMemory;
import dev.unfold.window.Masks;
import dev.unfold.window.MemoryBoundedBptt;
import dev.unfold.window.WindowFeed;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowGraphs;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Owns the updates of one training run: reads episodes from a source, runs each {@link TruncatedBptt}
 * window on its unfolded graph, and hands the gradients to the optimizer. The state is carried from
 * window to window as plain values: each window's graph starts from input leaves, so no gradient can
 * flow into an earlier window. The gradients of every update land in one {@link Gradients} sink the trainer
 * owns.
 */
public final class Trainer {
    private final RecurrentModel model;
    private final SequenceSource source;
    private final TruncatedBptt tbptt;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Clipping clipping;
    private final WindowRunner runner;
    private final DType dtype;
    private final WindowGraphs graphs;
    private final Gradients grads;
    private final long maskSeed;
    private final Optional<TrainingPlan.MemoryBudget> memory;
    private final Map<Integer, BpttMemory.Plan> memoryPlans = new HashMap<>();
    private MemoryBoundedBptt bounded;

    private Weights weights;
    private long step;
    private long tokens;
    private long episodeIndex;
    private long episodeSeed;
    private Rng rng;
    private Episode episode;
    private int position;
    private TreeMap<Integer, RecurrentState> carried = new TreeMap<>();

    /** The result of one update. */
    public record Update(long step, double loss, double gradNorm, double lr, long tokens) {
    }

    /** A trainer of {@code model} on {@code source} as {@code plan} says (its budget and intervals are the caller's), running windows on {@code runner}. */
    public Trainer(RecurrentModel model, SequenceSource source, TrainingPlan plan, WindowRunner runner, DType dtype) {
        this.model = model;
        this.source = source;
        this.tbptt = plan.windows();
        this.optimizer = plan.optimizer().create();
        this.schedule = plan.schedule();
        this.clipping = plan.clipping();
        this.runner = runner;
        this.dtype = dtype;
        this.graphs = new WindowGraphs(model, source.batch(), dtype);
        this.grads = new Gradients(model.parameters(), dtype);
        this.maskSeed = plan.seed();
        this.memory = plan.memory();
        memory.ifPresent(m -> memoryPlan(plan.windows().k2()));
    }

    /**
     * The memory-bounded plan of a training window of {@code steps} steps under the plan's budget (full BPTT when
     * the budget holds the whole window); refused, saying why, for a budget below the minimum or a bidirectional model read at its final states.
     */
    public BpttMemory.Plan memoryPlan(int steps) {
        TrainingPlan.MemoryBudget m = memory.orElseThrow(() -> new IllegalStateException("the plan has no memory budget"));
        return memoryPlans.computeIfAbsent(steps, k -> {
            if (!(model instanceof SequenceModel s)) {
                throw new IllegalArgumentException("a memory budget needs a sequence model");
            }
            return BpttMemory.plan(s.spec(), source.batch(), runner.shards(), k, m.bytes(), m.policy());
        });
    }

    /** Fresh weights drawn from {@code seed}; the episodes are drawn from a generator seeded from it too. */
    public void initialize(dev.unfold.nn.InitScheme scheme, long seed) {
        weights = Weights.initial(model.parameters(), scheme, seed, dtype);
        if (scheme == dev.unfold.nn.InitScheme.CHRONO) {
            weights = dev.unfold.nn.InitScheme.chrono(weights, tbptt.k2(), new Rng(seed ^ 0x9E3779B97F4A7C15L));
        }
        optimizer.reset();
        step = 0;
        tokens = 0;
        startEpisode(0, new Rng(seed ^ 0x5DEECE66DL).nextLong());
    }

    /** Continues from {@code s}; a state that does not fit this run (its model, its episode, its windows) is refused. */
    public void restore(TrainingState s) {
        if (!s.weights().parameters().equals(model.parameters())) {
            throw new IllegalArgumentException("the saved weights are not this model's parameters");
        }
        optimizer.restore(s.optimizer());
        weights = s.weights();
        step = s.step();
        tokens = s.tokens();
        startEpisode(s.episodeIndex(), s.episodeSeed());
        if (s.position() > episode.length()) {
            throw new IllegalArgumentException("the position " + s.position() + " is past the episode's " + episode.length() + " steps");
        }
        position = s.position();
        carried = new TreeMap<>(s.carried());
        for (RecurrentState state : carried.values()) {
            if (state.batch() != source.batch() || !state.slots().equals(model.stateSlots())) {
                throw new IllegalArgumentException("a carried state does not fit the model's states over a batch of " + source.batch());
            }
        }
        Optional<TruncatedBptt.Window> next = windows().windowAt(position, episode.length());
        if (next.isPresent() && next.get().advanceFrom() > 0 && !carried.containsKey(next.get().advanceFrom())) {
            throw new IllegalArgumentException("there is no carried state at step " + next.get().advanceFrom() + ", where the next window starts");
        }
    }

    /** The run's state now; carried states held elsewhere (a cluster's partitions) are fetched, so that it stays this moment's. */
    public TrainingState snapshot() {
        carried.values().forEach(RecurrentState::values);
        return new TrainingState(weights, optimizer.state(), step, tokens, episodeIndex, episodeSeed, position, carried);
    }

    public RecurrentModel model() {
        return model;
    }

    public Weights weights() {
        return weights;
    }

    /** The optimizer's name, as a checkpoint records it. */
    public String optimizerName() {
        return optimizer.name();
    }

    /** Updates done so far. */
    public long updates() {
        return step;
    }

    /**
     * Runs windows until one updates the parameters, and returns that update. A whole episode without a
     * single target in any window is a configuration that can never learn, and fails.
     */
    public Update step() {
        long emptyEpisodes = 0;
        while (true) {
            Optional<TruncatedBptt.Window> next = windows().windowAt(position, episode.length());
            if (next.isEmpty()) {
                if (++emptyEpisodes > 1) {
                    throw new IllegalArgumentException("no window of truncated BPTT(" + tbptt.k1() + ", " + tbptt.k2()
                            + ") ever holds a step with a target; nothing can be learned");
                }
                startEpisode(episodeIndex + 1, rng.nextLong());
                continue;
            }
            TruncatedBptt.Window w = next.get();
            RecurrentState state = advance(w);
            boolean[] lossAt = lossSteps(w);
            tokens += realSteps(position, w.end());
            position = w.end();
            if (!any(lossAt)) {
                runForward(w.start(), w.length(), state);
                continue;
            }
            return update(w, lossAt, state);
        }
    }

    private Update update(TruncatedBptt.Window w, boolean[] lossAt, RecurrentState state) {
        WindowRun run;
        BpttMemory.Plan plan = memory.isPresent() ? memoryPlan(lossAt.length) : null;
        if (plan != null && !plan.full()) {
            if (bounded == null) {
                bounded = new MemoryBoundedBptt(new CompiledExecutor(), model, source.batch(), dtype, runner.shards());
            }
            run = bounded.run(plan, weights, new WindowFeed(episode, w.start(), state), lossAt, firstRemembered(w.start()), maskSeed(), grads);
        } else {
            WindowGraph window = graphs.get(lossAt, WindowGraph.Mode.GRADIENTS);
            run = runner.run(window, weights, new WindowFeed(episode, w.start(), state, masks(window)),
                    WindowRunner.Keep.states(firstRemembered(w.start())).withGradients(grads));
        }
        remember(run, w.start(), w.length());
        double loss = run.loss();
        double norm = grads.globalNorm();
        if (!Double.isFinite(loss)) {
            throw TrainingDivergedException.at(step + 1, "the loss became " + loss);
        }
        if (!Double.isFinite(norm)) {
            throw TrainingDivergedException.at(step + 1, "the gradient norm became " + norm);
        }
        double lr = schedule.at(step);
        clipping.apply(grads, norm);
        weights = optimizer.step(weights, grads, lr);
        step++;
        return new Update(step, loss, norm, lr, tokens);
    }

    /**
     * The dropout and zoneout masks of the update about to be made, drawn for the whole batch from a generator
     * seeded by the run's seed and the update's number: the same on resume, and whatever the batch's split.
     */
    private Masks masks(WindowGraph window) {
        if (window.masks().isEmpty()) {
            return Masks.none();
        }
        return Masks.draw(window, maskSeed(), 0, window.batch(), 0, window.batch(), dtype);
    }

    /** The seed of the update about to be made's masks: each mask leaf's generator is seeded from it, the leaf's name and step. */
    private long maskSeed() {
        return maskSeed * 0x9E3779B97F4A7C15L + (step + 1) * 0xC2B2AE3D27D4EB4FL;
    }

    /** The state at the window's start: carried from earlier windows, after forward-only steps if needed. */
    private RecurrentState advance(TruncatedBptt.Window w) {
        RecurrentState state = stateAt(w.advanceFrom());
        if (w.advance() > 0) {
            state = runForward(w.advanceFrom(), w.advance(), state);
        }
        return state;
    }

    private RecurrentState runForward(int start, int length, RecurrentState state) {
        WindowRun run = runner.run(graphs.get(new boolean[length], WindowGraph.Mode.FORWARD), weights, episode, start, state,
                WindowRunner.Keep.states(Math.min(length - 1, firstRemembered(start))));
        remember(run, start, length);
        return run.stateAfter(length - 1);
    }

    private RecurrentState stateAt(int pos) {
        if (pos == 0) {
            return graphs.get(new boolean[1], WindowGraph.Mode.FORWARD).zeroState();
        }
        RecurrentState s = carried.get(pos);
        if (s == null) {
            throw new IllegalStateException("no carried state at step " + pos + "; have " + carried.keySet());
        }
        return s;
    }

    /** The first step of a window starting at {@code start} whose state {@link #remember} keeps. */
    private int firstRemembered(int start) {
        return keepFrom() - start - 1;
    }

    private int keepFrom() {
        return position - Math.max(0, windows().k2() - windows().k1());
    }

    /** Keeps the states after each step that a later window may start from; drops older ones. */
    private void remember(WindowRun run, int start, int length) {
        int keepFrom = keepFrom();
        for (int t = 0; t < length; t++) {
            int pos = start + t + 1;
            if (pos >= keepFrom) {
                carried.put(pos, run.stateAfter(t));
            }
        }
        carried.headMap(keepFrom).clear();
    }

    private boolean[] lossSteps(TruncatedBptt.Window w) {
        boolean[] at = new boolean[w.length()];
        for (int t = 0; t < at.length; t++) {
            int s = w.start() + t;
            at[t] = s >= w.lossFrom() && episode.target(s).isPresent();
        }
        return at;
    }

    private void startEpisode(long index, long seed) {
        episodeIndex = index;
        episodeSeed = seed;
        rng = new Rng(seed);
        episode = source.episode(index, rng, dtype);
        if (episode.lengths().isEmpty() && episode.length() < tbptt.k1()) {
            throw new IllegalArgumentException("an episode has " + episode.length() + " steps, fewer than k1 = " + tbptt.k1());
        }
        position = 0;
        carried = new TreeMap<>();
    }

    /** The windows of the current episode: the plan's, or one whole episode for sequences of their own lengths (full BPTT over each). */
    private TruncatedBptt windows() {
        return episode.lengths().isPresent() ? new TruncatedBptt(episode.length(), episode.length()) : tbptt;
    }

    /** Steps {@code [from, to)} of the episode's rows that are not padding. */
    private long realSteps(int from, int to) {
        if (episode.lengths().isEmpty()) {
            return (long) source.batch() * (to - from);
        }
        SequenceLengths l = episode.lengths().get();
        long n = 0;
        for (int b = 0; b < l.batch(); b++) {
            n += Math.max(0, Math.min(l.length(b), to) - from);
        }
        return n;
    }

    private static boolean any(boolean[] a) {
        for (boolean b : a) {
            if (b) {
                return true;
            }
        }
        return false;
    }
}
