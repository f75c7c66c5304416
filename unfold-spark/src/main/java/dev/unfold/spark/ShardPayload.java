package dev.unfold.spark;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.Masks;
import dev.unfold.window.WindowFeed;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One partition's share of a window: its rows' inputs, targets, loss weights and lengths over the window's steps,
 * their initial state and masks, and what to keep. {@link #run} computes the shard's loss, gradients and states
 * with the compiled executor on one GEMM thread, as a shard of {@link WindowRunner#sharded} does on one machine.
 */
record ShardPayload(SpecPayload spec, int rows, DType dtype, WindowGraph.Mode mode, int start, boolean[] lossAt, ArrayPayload[] inputs, ArrayPayload[] targets,
        ArrayPayload[] weights, int[] lengths, List<ArrayPayload> initial, List<ArrayPayload> masks, int statesFrom, boolean gradients) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Window graphs by model, rows and loss steps, built once per executor JVM. */
    private static final Map<String, WindowGraph> GRAPHS = new ConcurrentHashMap<>();

    /** Rows {@code [from, to)} of a window's feed. */
    static ShardPayload of(SequenceModel model, WindowGraph window, WindowFeed whole, int from, int to, WindowRunner.Keep keep) {
        WindowFeed f = whole.rows(from, to);
        int length = window.length();
        ArrayPayload[] in = new ArrayPayload[length];
        ArrayPayload[] tg = new ArrayPayload[length];
        ArrayPayload[] wt = new ArrayPayload[length];
        for (int t = 0; t < length; t++) {
            int step = f.start() + t;
            in[t] = ArrayPayload.of(f.episode().input(step));
            if (window.lossAt(t)) {
                tg[t] = f.episode().target(step).map(ArrayPayload::of).orElse(null);
                wt[t] = f.episode().weight(step).map(ArrayPayload::of).orElse(null);
            }
        }
        int end = f.start() + length;
        int[] lengths = f.episode().lengths().map(l -> {
            int[] out = new int[to - from];
            for (int b = 0; b < out.length; b++) {
                out[b] = Math.max(1, Math.min(end, l.length(b)));
            }
            return out;
        }).orElse(null);
        List<ArrayPayload> state = new ArrayList<>();
        for (RecurrentState.Slot s : model.stateSlots()) {
            state.add(ArrayPayload.of(f.initial().get(s)));
        }
        List<ArrayPayload> masks = new ArrayList<>();
        for (int i = 0; i < f.masks().size(); i++) {
            masks.add(ArrayPayload.of(f.masks().get(i)));
        }
        boolean[] lossAt = new boolean[length];
        for (int t = 0; t < length; t++) {
            lossAt[t] = window.lossAt(t);
        }
        return new ShardPayload(SpecPayload.of(model.spec()), to - from, window.dtype(), window.hasGradients() ? WindowGraph.Mode.GRADIENTS
                : WindowGraph.Mode.FORWARD, f.start(), lossAt, in, tg, wt, lengths, state, masks, keep.statesFrom(), keep.gradients().isPresent());
    }

    /** The shard's loss (NaN without one), its gradients by parameter name and the states after steps {@link #statesFrom} onwards. */
    ShardResult run(Map<String, ArrayPayload> weightValues) {
        SequenceModel model = spec.model();
        StringBuilder key = new StringBuilder(spec.toString()).append('/').append(rows).append('/').append(dtype).append('/').append(mode).append('/');
        for (boolean b : lossAt) {
            key.append(b ? '1' : '0');
        }
        WindowGraph window = GRAPHS.computeIfAbsent(key.toString(), k -> WindowGraph.build(model, rows, lossAt, dtype, mode));
        Map<String, Tensor> named = new LinkedHashMap<>();
        weightValues.forEach((k, v) -> named.put(k, v.tensor()));
        Weights w = Weights.fromNames(window.model().parameters(), named);
        Map<RecurrentState.Slot, Tensor> state = new LinkedHashMap<>();
        List<RecurrentState.Slot> slots = window.model().stateSlots();
        for (int i = 0; i < slots.size(); i++) {
            state.put(slots.get(i), initial.get(i).tensor());
        }
        List<Tensor> maskValues = masks.stream().map(ArrayPayload::tensor).toList();
        WindowFeed feed = new WindowFeed(episode(), start, RecurrentState.of(state), Masks.of(maskValues));
        Gradients g = gradients ? new Gradients(window.model().parameters(), dtype) : null;
        WindowRunner.Keep keep = g == null ? WindowRunner.Keep.states(statesFrom) : WindowRunner.Keep.states(statesFrom).withGradients(g);
        WindowRun run = Gemm.withThreads(1, () -> WindowRunner.local(new CompiledExecutor()).run(window, w, feed, keep));
        Map<String, ArrayPayload> grads = new LinkedHashMap<>();
        if (g != null) {
            for (Parameter p : g.parameters()) {
                grads.put(p.name(), ArrayPayload.of(g.copyOf(p)));
            }
        }
        List<List<ArrayPayload>> states = new ArrayList<>();
        for (int t = Math.max(0, statesFrom); t < lossAt.length; t++) {
            RecurrentState s = run.stateAfter(t);
            states.add(slots.stream().map(slot -> ArrayPayload.of(s.get(slot))).toList());
        }
        return new ShardResult(window.hasLoss() ? run.loss() : Double.NaN, grads, states);
    }

    /** The window's steps, at their own step numbers from {@link #start}, with the rows' lengths clamped to the window's end. */
    private Episode episode() {
        Optional<SequenceLengths> l = lengths == null ? Optional.empty() : Optional.of(SequenceLengths.of(start + lossAt.length, lengths));
        return new Episode() {
            @Override
            public int length() {
                return start + lossAt.length;
            }

            @Override
            public Tensor input(int t) {
                return inputs[t - start].tensor();
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.ofNullable(targets[t - start]).map(ArrayPayload::tensor);
            }

            @Override
            public Optional<SequenceLengths> lengths() {
                return l;
            }

            @Override
            public Optional<Tensor> weight(int t) {
                return Optional.ofNullable(weights[t - start]).map(ArrayPayload::tensor);
            }
        };
    }

    long bytes() {
        long n = 0;
        for (ArrayPayload[] a : new ArrayPayload[][] {inputs, targets, weights}) {
            for (ArrayPayload p : a) {
                n += p == null ? 0 : p.bytes();
            }
        }
        for (ArrayPayload p : initial) {
            n += p.bytes();
        }
        for (ArrayPayload p : masks) {
            n += p.bytes();
        }
        return n + (lengths == null ? 0 : 4L * lengths.length);
    }
}
