package dev.unfold.spark;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One partition's share of a window, what the driver sends each update: the window (its steps from {@code start},
 * where its loss is, what to keep) and the rows' masks; the rows' initial state only when it does not already live
 * in the partition's home ({@code residentAt} &lt; 0: the first window of an episode, after a resume, after steps run
 * elsewhere). {@link #run} computes the shard's loss, gradients and states with the compiled executor on one GEMM
 * thread, as a shard of {@link WindowRunner#sharded} does on one machine, and leaves the states in the next home.
 */
record WindowTask(SpecPayload spec, int rows, DType dtype, WindowGraph.Mode mode, int start, boolean[] lossAt, List<ArrayPayload> initial, int residentAt,
        List<ArrayPayload> masks, int statesFrom, boolean gradients) implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Window graphs by model, rows and loss steps, built once per task thread of an executor JVM: a graph's compiled
     * program runs one window at a time, so tasks running at once on one executor each need their own.
     */
    private static final ThreadLocal<Map<String, WindowGraph>> GRAPHS = ThreadLocal.withInitial(HashMap::new);
    /** The compiled executor of the executor JVM, which keeps each graph's program across windows (compiled once, not per update). */
    private static final CompiledExecutor EXECUTOR = new CompiledExecutor();

    /** Rows {@code [from, to)} of a window's feed; its initial state shipped unless it lives in the partition at {@code residentAt}. */
    static WindowTask of(SequenceModel model, WindowGraph window, WindowFeed whole, int from, int to, WindowRunner.Keep keep, int residentAt) {
        WindowFeed f = whole.rows(from, to);
        int length = window.length();
        List<ArrayPayload> state = residentAt >= 0 ? null : model.stateSlots().stream().map(s -> ArrayPayload.of(f.initial().get(s))).toList();
        List<ArrayPayload> masks = new java.util.ArrayList<>();
        for (int i = 0; i < f.masks().size(); i++) {
            masks.add(ArrayPayload.of(f.masks().get(i)));
        }
        boolean[] lossAt = new boolean[length];
        for (int t = 0; t < length; t++) {
            lossAt[t] = window.lossAt(t);
        }
        return new WindowTask(SpecPayload.of(model.spec()), to - from, window.dtype(), window.hasGradients() ? WindowGraph.Mode.GRADIENTS
                : WindowGraph.Mode.FORWARD, f.start(), lossAt, state, residentAt, masks, keep.statesFrom(), keep.gradients().isPresent());
    }

    /** The shard's window from its home: its result, and the next home holding the states after steps {@link #statesFrom} onwards. */
    ShardStep run(ShardHome home, Map<String, ArrayPayload> weightValues) {
        SequenceModel model = spec.model();
        StringBuilder key = new StringBuilder(spec.toString()).append('/').append(rows).append('/').append(dtype).append('/').append(mode).append('/');
        for (boolean b : lossAt) {
            key.append(b ? '1' : '0');
        }
        WindowGraph window = GRAPHS.get().computeIfAbsent(key.toString(), k -> WindowGraph.build(model, rows, lossAt, dtype, mode));
        Map<String, Tensor> named = new LinkedHashMap<>();
        weightValues.forEach((k, v) -> named.put(k, v.tensor()));
        Weights w = Weights.fromNames(window.model().parameters(), named);
        List<RecurrentState.Slot> slots = window.model().stateSlots();
        List<ArrayPayload> from = initial != null ? initial : home.state(residentAt);
        Map<RecurrentState.Slot, Tensor> state = new LinkedHashMap<>();
        for (int i = 0; i < slots.size(); i++) {
            state.put(slots.get(i), from.get(i).tensor());
        }
        WindowFeed feed = new WindowFeed(home.data().episode(), start, RecurrentState.of(state), Masks.of(masks.stream().map(ArrayPayload::tensor).toList()));
        Gradients g = gradients ? new Gradients(window.model().parameters(), dtype) : null;
        WindowRunner.Keep keep = g == null ? WindowRunner.Keep.states(statesFrom) : WindowRunner.Keep.states(statesFrom).withGradients(g);
        WindowRun run = Gemm.withThreads(1, () -> WindowRunner.local(EXECUTOR).run(window, w, feed, keep));
        Map<String, ArrayPayload> grads = new LinkedHashMap<>();
        if (g != null) {
            for (Parameter p : g.parameters()) {
                grads.put(p.name(), ArrayPayload.of(g.copyOf(p)));
            }
        }
        Map<Integer, List<ArrayPayload>> states = new LinkedHashMap<>();
        for (int t = Math.max(0, statesFrom); t < lossAt.length; t++) {
            RecurrentState s = run.stateAfter(t);
            states.put(start + t + 1, slots.stream().map(slot -> ArrayPayload.of(s.get(slot))).toList());
        }
        return new ShardStep(new ShardHome(home.data(), states), new ShardResult(window.hasLoss() ? run.loss() : Double.NaN, grads));
    }

    long bytes() {
        long n = 0;
        for (ArrayPayload p : initial == null ? List.<ArrayPayload>of() : initial) {
            n += p.bytes();
        }
        for (ArrayPayload p : masks) {
            n += p.bytes();
        }
        return n + lossAt.length;
    }
}
