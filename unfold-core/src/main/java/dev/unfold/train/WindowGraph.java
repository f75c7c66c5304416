package dev.unfold.train;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.nn.Losses;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.StateSpec;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unfolded model over one window of L steps, with targets and a loss on the steps marked in
 * {@code lossAt}: the mean over those steps of each step's loss (mean cross-entropy over the batch, or
 * mean squared error). With gradients, also the VJP graph. Built once per window shape and reused.
 */
public final class WindowGraph {
    private final Graph graph;
    private final Vjp.Gradients gradients;
    private final SequenceModel.Unfolded parts;
    private final List<CarriedState> states;
    private final boolean[] lossAt;
    private final Rebuild rebuild;
    private final Map<Integer, List<WindowGraph>> shards = new HashMap<>();

    /** What built this window, so that its batch can be split into shards of the same window. */
    private record Rebuild(SequenceModel model, int batch, DType dtype, Mode mode) {
    }

    /** One carried state: the label of its initial-state leaf and its value after each step. */
    public record CarriedState(String label, Shape shape, DType dtype, List<Var> afterStep) {
    }

    private WindowGraph(Graph graph, Vjp.Gradients gradients, SequenceModel.Unfolded parts, List<CarriedState> states, boolean[] lossAt,
            Rebuild rebuild) {
        this.rebuild = rebuild;
        this.graph = graph;
        this.gradients = gradients;
        this.parts = parts;
        this.states = states;
        this.lossAt = lossAt;
    }

    /** The window graph; {@code lossAt[t]} says whether step t has targets and a loss. */
    public static WindowGraph build(SequenceModel model, int batch, boolean[] lossAt, DType dtype, Mode mode) {
        int length = lossAt.length;
        GraphBuilder b = new GraphBuilder();
        SequenceModel.Unfolded parts = model.unfold(b, length, batch, dtype);
        int counted = 0;
        Var sum = null;
        for (int t = 0; t < length; t++) {
            if (!lossAt[t]) {
                continue;
            }
            b.at(t);
            Var y = parts.outputs().get(t);
            Var term = stepLoss(b, model.spec().output(), y, batch, t, dtype);
            sum = sum == null ? term : b.add(sum, term);
            counted++;
        }
        if (sum != null) {
            b.at(Node.NO_STEP);
            b.output("loss", b.apply("loss", dev.unfold.op.Affine.scaleBy(1.0 / counted), sum));
        }
        Graph forward = b.build();
        Vjp.Gradients grads = mode == Mode.GRADIENTS && sum != null ? Vjp.of(forward, "loss") : null;
        return new WindowGraph(grads != null ? grads.graph() : forward, grads, parts, carried(model, parts), lossAt.clone(),
                new Rebuild(model, batch, dtype, mode));
    }

    /** Whether a window graph carries the backward pass. */
    public enum Mode { FORWARD, GRADIENTS }

    private static Var stepLoss(GraphBuilder b, SequenceModelSpec.Output out, Var y, int batch, int t, DType dtype) {
        if (out.kind() == SequenceModelSpec.OutputKind.CLASSES) {
            return Losses.softmaxCrossEntropy(b, y, b.input("target[" + t + "]", Shape.of(batch), dtype));
        }
        return Losses.meanSquaredError(b, y, b.input("target[" + t + "]", y.shape(), dtype));
    }

    private static List<CarriedState> carried(SequenceModel model, SequenceModel.Unfolded parts) {
        List<CarriedState> out = new ArrayList<>();
        RecurrentNetwork net = model.network();
        for (RecurrentNetwork.Run run : parts.network().runs()) {
            List<StateSpec> specs = net.cell(run.layer()).states();
            int d = run.direction() == dev.unfold.graph.Unfolder.Direction.FORWARD ? 0 : 1;
            for (int i = 0; i < specs.size(); i++) {
                int index = i;
                List<Var> after = run.states().stream().map(s -> s.get(index)).toList();
                Var initial = run.initialState().get(i);
                out.add(new CarriedState(RecurrentNetwork.initialStateName(specs.get(i).name(), run.layer(), d),
                        initial.shape(), initial.dtype(), after));
            }
        }
        return out;
    }

    public Graph graph() {
        return graph;
    }

    public int batch() {
        return rebuild.batch();
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

    /** The gradient graph; present when built with gradients and a loss. */
    public Vjp.Gradients gradients() {
        if (gradients == null) {
            throw new IllegalStateException("this window graph has no backward pass");
        }
        return gradients;
    }

    public SequenceModel.Unfolded parts() {
        return parts;
    }

    public List<CarriedState> states() {
        return states;
    }

    public int length() {
        return lossAt.length;
    }

    /** Every value a run of this window can report: loss, parameter gradients, all carried states and outputs. */
    public java.util.Set<Integer> results() {
        return results(0, true);
    }

    /**
     * The values a run keeps: loss, parameter gradients, the carried states after steps {@code statesFrom}
     * onwards, and the outputs of every step when asked. Keeping less saves copying them out of the run.
     */
    public java.util.Set<Integer> results(int statesFrom, boolean outputs) {
        java.util.Set<Integer> keep = new java.util.HashSet<>();
        graph.outputs().values().forEach(keep::add);
        if (outputs) {
            parts.outputs().forEach(v -> keep.add(v.id()));
        }
        states.forEach(s -> s.afterStep().subList(Math.max(0, statesFrom), s.afterStep().size()).forEach(v -> keep.add(v.id())));
        keep.addAll(gradientResults());
        return keep;
    }

    /** The parameter gradients a run can report (empty without a backward pass). */
    public java.util.Set<Integer> gradientResults() {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        if (gradients != null) {
            parts.params().values().forEach(v -> {
                if (gradients.has(v.id())) {
                    out.add(gradients.gradOf(v.id()));
                }
            });
        }
        return out;
    }

    public boolean lossAt(int t) {
        return lossAt[t];
    }
}
