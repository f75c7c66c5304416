package dev.unfold.nn;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * An unfolded network under a loss that reaches every output and every final state:
 * {@code L = Σ_t Σ R[t] ⊙ y_t + Σ_runs Σ S ⊙ s_T}, with R and S fed like inputs. Its gradient is the
 * vector-Jacobian product of the whole network with (R, S), which gradient checks and the PyTorch
 * parity tests compare.
 */
public final class ProbeGraph {
    private ProbeGraph() {
    }

    /** The graph, the unfolded network inside it, and the mask leaves of a regularised training graph. */
    public record Probe(Graph graph, RecurrentNetwork.Unfolded network, List<MaskLeaf> masks) {
    }

    /** The graph, with output {@code "loss"}. {@code R[t]} are (B, D×H); {@code S_<scope>_<i>} match the final states. */
    public static Graph build(RecurrentSpec spec, int steps, int batch, DType dtype) {
        return probe(spec, steps, batch, dtype).graph();
    }

    /** As {@link #build}, keeping hold of the unfolded network's parts. */
    public static Probe probe(RecurrentSpec spec, int steps, int batch, DType dtype) {
        return probe(spec, steps, batch, dtype, Regularization.NONE, Phase.EVALUATION);
    }

    /** As {@link #probe(RecurrentSpec, int, int, DType)}, with the network regularised in {@code phase}. */
    public static Probe probe(RecurrentSpec spec, int steps, int batch, DType dtype, Regularization reg, Phase phase) {
        return probe(spec, steps, batch, dtype, reg, phase, false);
    }

    /**
     * As {@link #probe(RecurrentSpec, int, int, DType)}, for rows of their own lengths: the graph also reads
     * {@code valid[t]} (B, 1), fed from {@link SequenceLengths#valid}.
     */
    public static Probe masked(RecurrentSpec spec, int steps, int batch, DType dtype) {
        return probe(spec, steps, batch, dtype, Regularization.NONE, Phase.EVALUATION, true);
    }

    private static Probe probe(RecurrentSpec spec, int steps, int batch, DType dtype, Regularization reg, Phase phase, boolean lengths) {
        GraphBuilder b = new GraphBuilder();
        List<MaskLeaf> masks = new ArrayList<>();
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(b.at(t).input("x[" + t + "]", Shape.of(batch, spec.inputSize()), dtype, Role.of(Role.Kind.INPUT)));
        }
        List<Var> valid = lengths ? SequenceLengths.leaves(b, steps, batch, dtype) : List.of();
        b.at(Node.NO_STEP);
        RecurrentNetwork.Unfolded u = new RecurrentNetwork(spec).unfold(b, xs, valid, reg, phase, masks);
        Var loss = null;
        b.as(Role.of(Role.Kind.LOSS));
        for (int t = 0; t < steps; t++) {
            Var y = u.outputs().get(t);
            b.at(t);
            Var term = Losses.weightedSum(b, y, b.input("R[" + t + "]", y.shape(), dtype, Role.of(Role.Kind.PROBE)));
            loss = loss == null ? term : b.add(loss, term);
        }
        b.at(Node.NO_STEP);
        for (RecurrentNetwork.Run r : u.runs()) {
            for (int i = 0; i < r.finalState().size(); i++) {
                Var s = r.finalState().get(i);
                loss = b.add(loss, Losses.weightedSum(b, s, b.input("S_" + r.scope() + "_" + i, s.shape(), dtype, Role.of(Role.Kind.PROBE))));
            }
        }
        b.output("loss", loss);
        return new Probe(b.build(), u, List.copyOf(masks));
    }
}
