package dev.unfold.spark;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import java.io.Serializable;

/** A model's description as a task carries it to an executor, which builds the same {@link SequenceModel} from it. */
record SpecPayload(SequenceModelSpec.InputKind inputKind, int inputSize, int embedding, CellType cell, int hidden, int layers,
        RecurrentSpec.Directions directions, SequenceModelSpec.OutputKind outputKind, int outputSize, SequenceModelSpec.Reads reads,
        double dropout, double variational, double zoneout, boolean lengths) implements Serializable {
    private static final long serialVersionUID = 1L;

    static SpecPayload of(SequenceModelSpec s) {
        Regularization r = s.regularization();
        return new SpecPayload(s.input().kind(), s.input().size(), s.input().embedding(), s.rnn().cell(), s.rnn().hiddenSize(), s.rnn().layers(),
                s.rnn().directions(), s.output().kind(), s.output().size(), s.output().reads(), r.dropout(), r.variational(), r.zoneout(), s.lengths());
    }

    SequenceModel model() {
        SequenceModelSpec.Input in = new SequenceModelSpec.Input(inputKind, inputSize, embedding);
        return new SequenceModel(new SequenceModelSpec(in, new RecurrentSpec(cell, in.networkWidth(), hidden, layers, directions),
                new SequenceModelSpec.Output(outputKind, outputSize, reads), new Regularization(dropout, variational, zoneout), lengths));
    }
}
