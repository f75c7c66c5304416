package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.ParameterSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.optim.GradientClipping;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.Optimizer;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Owns the updates of one training run: reads episodes from a source, runs each {@link TruncatedBptt}
 * window on its unfolded graph, and hands the gradients to the optimizer. The state is carried from
 * window to window as plain values: each window's graph starts from input leaves, so no gradient can
 * flow into an earlier window.
 */
public final class Trainer {
    private final SequenceModel model;
    private final SequenceSource source;
    private final TruncatedBptt tbptt;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Clipping clipping;
    private final Executor executor;
    private final DType dtype;
    private final WindowGraphs graphs;

    private Map<String, Tensor> params;
    private long step;
    private long tokens;
    private long episodeIndex;
    private long episodeSeed;
    private Rng rng;
    private Episode episode;
    private int position;
    private TreeMap<Integer, Map<String, Tensor>> carried = new TreeMap<>();

    /** The result of one update. */
    public record Update(long step, double loss, double gradNorm, double lr, long tokens) {
    }

    /** How a run is set up, apart from its state. */
    public record Setup(SequenceModel model, SequenceSource source, TruncatedBptt tbptt, Optimizer optimizer,
            LearningRateSchedule schedule, Clipping clipping, Executor executor, DType dtype) {
    }

    public Trainer(Setup setup) {
        this.model = setup.model();
        this.source = setup.source();
        this.tbptt = setup.tbptt();
        this.optimizer = setup.optimizer();
        this.schedule = setup.schedule();
        this.clipping = setup.clipping();
        this.executor = setup.executor();
        this.dtype = setup.dtype();
        this.graphs = new WindowGraphs(model, source.batch(), dtype);
    }

    /** Fresh parameters drawn from {@code seed}; the episodes are drawn from a generator seeded from it too. */
    public void initialize(InitScheme scheme, long seed) {
        params = initialParameters(model, scheme, seed, dtype);
        optimizer.reset();
        step = 0;
        tokens = 0;
        startEpisode(0, new Rng(seed ^ 0x5DEECE66DL).nextLong());
    }

    /** The parameters {@link #initialize} starts from: the same for the same model, scheme and seed. */
    public static Map<String, Tensor> initialParameters(SequenceModel model, InitScheme scheme, long seed, DType dtype) {
        Rng init = new Rng(seed);
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (ParameterSpec p : model.parameters()) {
            params.put(p.name(), scheme.initialize(p, dtype, init));
        }
        return params;
    }

    public void restore(TrainingState s) {
        params = new LinkedHashMap<>(s.params());
        optimizer.restore(s.optimizer());
        step = s.step();
        tokens = s.tokens();
        startEpisode(s.episodeIndex(), s.episodeSeed());
        position = s.position();
        carried = new TreeMap<>(s.carried());
    }

    public TrainingState snapshot() {
        return new TrainingState(params, optimizer.state(), step, tokens, episodeIndex, episodeSeed, position, carried);
    }

    public Map<String, Tensor> params() {
        return params;
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
            Optional<TruncatedBptt.Window> next = tbptt.windowAt(position, episode.length());
            if (next.isEmpty()) {
                if (++emptyEpisodes > 1) {
                    throw new IllegalArgumentException("no window of --tbptt " + tbptt.k1() + "," + tbptt.k2()
                            + " ever holds a step with a target; nothing can be learned");
                }
                startEpisode(episodeIndex + 1, rng.nextLong());
                continue;
            }
            TruncatedBptt.Window w = next.get();
            Map<String, Tensor> state = advance(w);
            boolean[] lossAt = lossSteps(w);
            tokens += (long) source.batch() * (w.end() - position);
            position = w.end();
            if (!any(lossAt)) {
                runForward(w.start(), w.length(), state);
                continue;
            }
            return update(w, lossAt, state);
        }
    }

    private Update update(TruncatedBptt.Window w, boolean[] lossAt, Map<String, Tensor> state) {
        WindowRun run = WindowRun.execute(executor, graphs.get(lossAt, WindowGraph.Mode.GRADIENTS), params, episode, w.start(), state,
                new WindowRun.Keep(firstRemembered(w.start()), false, true));
        remember(run, w.start(), w.length());
        double loss = run.loss();
        Map<String, Tensor> grads = run.parameterGradients();
        double norm = GradientClipping.globalNorm(grads);
        if (!Double.isFinite(loss)) {
            throw TrainingDivergedException.at(step + 1, "the loss became " + loss);
        }
        if (!Double.isFinite(norm)) {
            throw TrainingDivergedException.at(step + 1, "the gradient norm became " + norm);
        }
        double lr = schedule.at(step);
        params = optimizer.step(params, clipping.apply(grads), lr);
        step++;
        return new Update(step, loss, norm, lr, tokens);
    }

    /** The state at the window's start: carried from earlier windows, after forward-only steps if needed. */
    private Map<String, Tensor> advance(TruncatedBptt.Window w) {
        Map<String, Tensor> state = stateAt(w.advanceFrom());
        if (w.advance() > 0) {
            state = runForward(w.advanceFrom(), w.advance(), state);
        }
        return state;
    }

    private Map<String, Tensor> runForward(int start, int length, Map<String, Tensor> state) {
        WindowRun run = WindowRun.execute(executor, graphs.get(new boolean[length], WindowGraph.Mode.FORWARD), params, episode, start, state,
                new WindowRun.Keep(Math.min(length - 1, firstRemembered(start)), false, false));
        remember(run, start, length);
        return run.statesAfter(length - 1);
    }

    private Map<String, Tensor> stateAt(int pos) {
        if (pos == 0) {
            return WindowRun.zeroStates(graphs.get(new boolean[1], WindowGraph.Mode.FORWARD));
        }
        Map<String, Tensor> s = carried.get(pos);
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
        return position - Math.max(0, tbptt.k2() - tbptt.k1());
    }

    /** Keeps the states after each step that a later window may start from; drops older ones. */
    private void remember(WindowRun run, int start, int length) {
        int keepFrom = keepFrom();
        for (int t = 0; t < length; t++) {
            int pos = start + t + 1;
            if (pos >= keepFrom) {
                carried.put(pos, run.statesAfter(t));
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
        if (episode.length() < tbptt.k1()) {
            throw new IllegalArgumentException("an episode has " + episode.length() + " steps, fewer than k1 = " + tbptt.k1());
        }
        position = 0;
        carried = new TreeMap<>();
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
