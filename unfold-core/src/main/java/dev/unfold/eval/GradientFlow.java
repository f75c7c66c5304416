package dev.unfold.eval;

import dev.unfold.autodiff.Vjp;
import dev.unfold.data.EncodedSequences;
import dev.unfold.data.Episode;
import dev.unfold.data.LongMemoryTask;
import dev.unfold.data.TextStreams;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.Weights;
import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How values and gradients move through an unfolded network on one batch: each layer's state h_t
 * (first sequence of the batch), the gradient norm {@code ||dL/dh_t||} (the total derivative, through
 * every later step), and the size of the Jacobian product {@code ||dh_T/dh_t||_F} that decides whether
 * gradients vanish or explode (Deep Learning 10.7), per sequence of the batch. The Frobenius norm is
 * estimated from {@value #PROBES} Gaussian probes u: {@code E ||uᵀ dh_T/dh_t||² = ||dh_T/dh_t||_F²}, so
 * at t = T it is about √H, the norm of the identity. Measurements are keyed by layer and direction.
 */
public record GradientFlow(Map<Role.Layer, List<float[]>> states, Map<Role.Layer, double[]> gradientNorms,
        Map<Role.Layer, double[]> jacobianNorms, Map<Integer, double[]> stats) {

    static final int PROBES = 4;
    static final int STRIP = 48;

    /** A flow measurement and the graph it was measured on. */
    public record Measured(Graph graph, GradientFlow flow) {
    }

    /**
     * Measures a network inside {@code forward}, whose scalar output {@code loss} depends on it, with the
     * values {@code feeds}; {@code network} names its runs.
     */
    public static GradientFlow measure(Graph forward, String loss, Feeds feeds, RecurrentNetwork.Unfolded network) {
        Vjp.Gradients g = Vjp.of(forward, loss);
        Values v = Interpreter.run(g.graph(), feeds);
        Map<Role.Layer, List<float[]>> states = new LinkedHashMap<>();
        Map<Role.Layer, double[]> gradNorms = new LinkedHashMap<>();
        for (RecurrentNetwork.Run run : network.runs()) {
            List<float[]> strip = new ArrayList<>();
            double[] norms = new double[run.states().size()];
            for (int t = 0; t < norms.length; t++) {
                Var h = run.states().get(t).get(0);
                Tensor ht = v.get(h);
                float[] row = new float[Math.min(STRIP, ht.shape().dim(1))];
                for (int i = 0; i < row.length; i++) {
                    row[i] = (float) ht.get(i);
                }
                strip.add(row);
                norms[t] = g.has(h.id()) ? v.get(g.gradOf(h.id())).norm() : 0;
            }
            states.put(run.layer(), strip);
            gradNorms.put(run.layer(), norms);
        }
        Map<Integer, double[]> stats = new LinkedHashMap<>();
        for (Node n : forward.nodes()) {
            if (!(n.op() instanceof Leaf) || n.step() >= 0) {
                stats.put(n.id(), stats(v.get(n.id())));
            }
        }
        return new GradientFlow(states, gradNorms, jacobians(forward, feeds, network), stats);
    }

    /** {@code ||dh_T/dh_t||_F} per run, T the run's last step in its own direction. */
    private static Map<Role.Layer, double[]> jacobians(Graph forward, Feeds feeds, RecurrentNetwork.Unfolded network) {
        Map<Role.Layer, double[]> out = new LinkedHashMap<>();
        Rng rng = new Rng(7);
        for (RecurrentNetwork.Run run : network.runs()) {
            int steps = run.states().size();
            int last = run.direction() == dev.unfold.graph.Direction.FORWARD ? steps - 1 : 0;
            Var hT = run.states().get(last).get(0);
            GraphBuilder b = GraphBuilder.extending(forward);
            Var u = b.at(Node.NO_STEP).input("probe.u", hT.shape(), hT.dtype(), Role.of(Role.Kind.PROBE));
            b.output("probe", b.as(Role.of(Role.Kind.PROBE)).sum(b.mul(u, hT)));
            Graph probe = b.build();
            Vjp.Gradients g = Vjp.of(probe, "probe");
            double[] sq = new double[steps];
            for (int k = 0; k < PROBES; k++) {
                Feeds f = feeds.with(u.id(), Tensor.generate(hT.dtype(), hT.shape(), i -> rng.nextGaussian()));
                Values v = Interpreter.run(g.graph(), f);
                for (int t = 0; t < steps; t++) {
                    Var h = run.states().get(t).get(0);
                    double n = g.has(h.id()) ? v.get(g.gradOf(h.id())).norm() : 0;
                    sq[t] += n * n / PROBES / hT.shape().dim(0);
                }
            }
            double[] norms = new double[steps];
            for (int t = 0; t < steps; t++) {
                norms[t] = Math.sqrt(sq[t]);
            }
            out.put(run.layer(), norms);
        }
        return out;
    }

    private static double[] stats(Tensor t) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < t.size(); i++) {
            double x = t.get(i);
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
            sq += x * x;
        }
        int n = Math.max(1, t.size());
        double mean = sum / n;
        return new double[] {min, max, mean, Math.sqrt(Math.max(0, sq / n - mean * mean))};
    }

    /**
     * Measures a character model on the first {@code steps} characters of {@code batch} streams of
     * {@code text}, with the loss on every step, from zero state.
     */
    public static Measured onText(RecurrentModel model, Weights weights, String text, Vocabulary vocab, int steps, int batch) {
        boolean[] lossAt = new boolean[steps];
        Arrays.fill(lossAt, true);
        WindowGraph w = WindowGraph.build(model, batch, lossAt, DType.F32, WindowGraph.Mode.FORWARD);
        TextStreams streams = new TextStreams(vocab.encode(text).ids(), batch, vocab.size());
        Episode e = streams.episode(0, new Rng(0), DType.F32);
        if (e.length() < steps) {
            throw new IllegalArgumentException("the text is too short for " + batch + " streams of " + steps + " steps");
        }
        Feeds feeds = w.feeds(weights, w.zeroState(), e, 0);
        return new Measured(w.graph(), measure(w.graph(), "loss", feeds, w.parts().network()));
    }

    /** Measures a task model on one batch of fresh test sequences ({@code seed}), with the loss where the task puts it. */
    public static Measured onTask(RecurrentModel model, Weights weights, LongMemoryTask task, long seed) {
        Episode e = task.episode(0, new Rng(seed), DType.F32);
        boolean[] lossAt = new boolean[e.length()];
        for (int t = 0; t < lossAt.length; t++) {
            lossAt[t] = e.target(t).isPresent();
        }
        WindowGraph w = WindowGraph.build(model, task.batch(), lossAt, DType.F32, WindowGraph.Mode.FORWARD);
        Feeds feeds = w.feeds(weights, w.zeroState(), e, 0);
        return new Measured(w.graph(), measure(w.graph(), "loss", feeds, w.parts().network()));
    }

    /** Measures a data model on one padded batch of a data file's sequences, with the loss where their targets are. */
    public static Measured onData(RecurrentModel model, Weights weights, EncodedSequences.Padded batch) {
        boolean[] lossAt = new boolean[batch.length()];
        for (int t = 0; t < lossAt.length; t++) {
            lossAt[t] = batch.target(t).isPresent();
        }
        WindowGraph w = WindowGraph.build(model, batch.indices().length, lossAt, DType.F32, WindowGraph.Mode.FORWARD);
        Feeds feeds = w.feeds(weights, w.zeroState(), batch, 0);
        return new Measured(w.graph(), measure(w.graph(), "loss", feeds, w.parts().network()));
    }

    /** Random inputs and weights for every fed leaf of a graph, for drawings of untrained networks. */
    public static Feeds randomFeeds(Graph g, long seed) {
        return randomFeeds(g, seed, List.of());
    }

    /** As {@link #randomFeeds(Graph, long)}, with {@code masks} drawn as masks (kept units scaled, dropped ones 0). */
    public static Feeds randomFeeds(Graph g, long seed, List<MaskLeaf> masks) {
        Map<Integer, MaskLeaf> maskOf = new HashMap<>();
        masks.forEach(m -> maskOf.put(m.node().id(), m));
        Rng rng = new Rng(seed);
        Feeds.Builder feeds = Feeds.builder();
        for (Node n : g.nodes()) {
            MaskLeaf mask = maskOf.get(n.id());
            if (mask != null) {
                double[] values = mask.draw(n.shape().size(), rng);
                feeds.put(n.id(), Tensor.generate(DType.F32, n.shape(), i -> values[i]));
            } else if (n.op() instanceof Leaf l && l.kind() != Leaf.Kind.CONSTANT) {
                double scale = l.kind() == Leaf.Kind.PARAMETER ? 1 / Math.sqrt(Math.max(1, n.shape().dim(-1))) : 1;
                feeds.put(n.id(), Tensor.generate(DType.F32, n.shape(), i -> scale * (2 * rng.nextDouble() - 1)));
            }
        }
        return feeds.build();
    }
}
