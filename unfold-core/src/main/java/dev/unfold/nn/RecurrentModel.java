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
     * parameter's node, the mask leaves a training graph reads (none in an evaluation graph), and the validity
     * leaves of a model of sequences of their own lengths (else none). A model with one output per sequence
     * lists it at every step's index; it is computed once the last step is done.
     */
    record Unfolded(List<Var> inputs, RecurrentNetwork.Unfolded network, List<Var> outputs, Map<Parameter, Var> params, List<MaskLeaf> masks,
            List<Var> valid) {
        /** An unfolded model of sequences that fill every step. */
        public Unfolded(List<Var> inputs, RecurrentNetwork.Unfolded network, List<Var> outputs, Map<Parameter, Var> params, List<MaskLeaf> masks) {
            this(inputs, network, outputs, params, masks, List.of());
        }
    }

    List<Parameter> parameters();

    List<RecurrentState.Slot> stateSlots();

    /** Whether an output is class logits (softmax cross-entropy) or values (mean squared error). */
    SequenceModelSpec.OutputKind outputKind();

    /**
     * Whether the loss weighs each row and step by its own weight (a model scored at every valid step of
     * sequences of their own lengths), rather than as the mean over the batch at each step with a target.
     */
    default boolean weighsSteps() {
        return false;
    }

    /** Writes the unfolded graph of {@code phase} over {@code steps} steps for batches of {@code batch} into {@code b}. */
    Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype, Phase phase);

    /** The evaluation graph. */
    default Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype) {
        return unfold(b, steps, batch, dtype, Phase.EVALUATION);
    }
}
