package dev.unfold.train;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;

/**
 * The network a run builds around its data's input and output: cell, width, depth, the embedding width for
 * tokens (0: one-hot), the regularisers, and whether each layer also runs backwards in time (a per-sequence model only).
 */
public record ModelSettings(CellType cell, int hidden, int layers, int embedding, Regularization regularization, RecurrentSpec.Directions directions) {
    /** Without regularisation. */
    public ModelSettings(CellType cell, int hidden, int layers, int embedding) {
        this(cell, hidden, layers, embedding, Regularization.NONE);
    }

    /** Forward layers only. */
    public ModelSettings(CellType cell, int hidden, int layers, int embedding, Regularization regularization) {
        this(cell, hidden, layers, embedding, regularization, RecurrentSpec.Directions.ONE);
    }

    public ModelSettings {
        java.util.Objects.requireNonNull(regularization, "regularization");
        java.util.Objects.requireNonNull(directions, "directions");
        if (cell == null || hidden < 1 || layers < 1 || embedding < 0) {
            throw new IllegalArgumentException("a model needs a cell, hidden units >= 1, layers >= 1 and an embedding width >= 0; got "
                    + cell + ", " + hidden + ", " + layers + ", " + embedding);
        }
    }

    /** The model for data whose steps read {@code input} and are scored as {@code output}. */
    public SequenceModel model(SequenceModelSpec.Input input, SequenceModelSpec.Output output) {
        return model(input, output, false);
    }

    /** As {@link #model(SequenceModelSpec.Input, SequenceModelSpec.Output)}; with {@code lengths}, for batches of sequences of their own lengths. */
    public SequenceModel model(SequenceModelSpec.Input input, SequenceModelSpec.Output output, boolean lengths) {
        RecurrentSpec rnn = new RecurrentSpec(cell, input.networkWidth(), hidden, layers, directions);
        return new SequenceModel(new SequenceModelSpec(input, rnn, output, regularization, lengths));
    }
}
