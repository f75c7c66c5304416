package dev.unfold.window;

import dev.unfold.exec.Values;
import dev.unfold.nn.RecurrentState;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one run of a window, whole or merged from shards of its batch. Shards merge into what one
 * run gives: the loss and its gradients are means over the batch, so they are the shards' values weighted by
 * their share of rows; carried states are the shards' rows stacked. The gradients of a run are in the sink it
 * was given ({@link WindowRunner.Keep#withGradients}).
 */
public final class WindowRun {
    private final WindowGraph window;
    private final Values values;
    private final List<WindowRun> shards;
    private final double loss;
    private final Map<Integer, RecurrentState> states;

    private WindowRun(WindowGraph window, Values values, List<WindowRun> shards) {
        this(window, values, shards, Double.NaN, null);
    }

    private WindowRun(WindowGraph window, Values values, List<WindowRun> shards, double loss, Map<Integer, RecurrentState> states) {
        this.window = window;
        this.values = values;
        this.shards = shards;
        this.loss = loss;
        this.states = states;
    }

    /** A run given by its loss and the states after the steps it kept (memory-bounded BPTT, or shards merged elsewhere). */
    public static WindowRun of(double loss, Map<Integer, RecurrentState> states) {
        return new WindowRun(null, null, null, loss, Map.copyOf(states));
    }

    static WindowRun whole(WindowGraph window, Values values) {
        return new WindowRun(window, values, null);
    }

    static WindowRun merged(WindowGraph window, List<WindowRun> shards) {
        return new WindowRun(window, null, List.copyOf(shards));
    }

    public double loss() {
        if (states != null) {
            return loss;
        }
        if (shards == null) {
            return values.output("loss").get(0);
        }
        double loss = 0;
        for (WindowRun s : shards) {
            loss += share(s) * s.loss();
        }
        return loss;
    }

    /** The carried state after window step {@code t}. */
    public RecurrentState stateAfter(int t) {
        if (states != null) {
            RecurrentState s = states.get(t);
            if (s == null) {
                throw new IllegalStateException("the run kept no state after step " + t);
            }
            return s;
        }
        if (shards == null) {
            Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
            for (WindowGraph.CarriedState s : window.states()) {
                out.put(s.slot(), values.get(s.afterStep().get(t)));
            }
            return RecurrentState.of(out);
        }
        List<RecurrentState> each = new ArrayList<>();
        shards.forEach(s -> each.add(s.stateAfter(t)));
        return RecurrentState.concatRows(each);
    }

    /** The output of window step {@code t} (a whole run kept with outputs). */
    public Tensor output(int t) {
        return values().get(window.parts().outputs().get(t));
    }

    /** The values of a whole (unsharded) run. */
    public Values values() {
        if (values == null) {
            throw new IllegalStateException("a run split into shards has no single set of values; ask for outputs to keep it whole");
        }
        return values;
    }

    private double share(WindowRun shard) {
        return (double) shard.window.batch() / window.batch();
    }
}
