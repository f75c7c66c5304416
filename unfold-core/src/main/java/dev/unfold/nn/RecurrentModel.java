package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import java.util.List;
import java.util.Map;

/**
 * What training, evaluation and sampling need of a model: the parameters it declares, the states it
 * carries from step to step, how its outputs are scored, and its unfolded graph over T steps. A
 * {@link SequenceModel} is one.
 */
public interface RecurrentModel {
    /**
     * The model unfolded: its inputs at each step, the network's parts, its outputs at each step, each
     * parameter's node, and the mask leaves a training graph reads (none in an evaluation graph).
     */
    record Unfolded(List<Var> inputs, RecurrentNetwork.Unfolded network, List<Var> outputs, Map<Parameter, Var> params, List<MaskLeaf> masks) {
    }

    List<Parameter> parameters();

    List<RecurrentState.Slot> stateSlots();

    /** Whether an output is class logits (softmax cross-entropy) or values (mean squared error). */
    SequenceModelSpec.OutputKind outputKind();

    /** Writes the unfolded graph of {@code phase} over {@code steps} steps for batches of {@code batch} into {@code b}. */
    Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype, Phase phase);

    /** The evaluation graph. */
    default Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype) {
        return unfold(b, steps, batch, dtype, Phase.EVALUATION);
    }
}
