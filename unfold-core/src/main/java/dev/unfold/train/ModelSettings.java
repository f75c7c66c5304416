package dev.unfold.train;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;

/**
 * The network a run builds around its data's input and output: cell, width, depth, the embedding width for
 * tokens (0: one-hot), and the regularisers.
 */
public record ModelSettings(CellType cell, int hidden, int layers, int embedding, Regularization regularization) {
    /** Without regularisation. */
    public ModelSettings(CellType cell, int hidden, int layers, int embedding) {
        this(cell, hidden, layers, embedding, Regularization.NONE);
    }

    public ModelSettings {
        java.util.Objects.requireNonNull(regularization, "regularization");
        if (cell == null || hidden < 1 || layers < 1 || embedding < 0) {
            throw new IllegalArgumentException("a model needs a cell, hidden units >= 1, layers >= 1 and an embedding width >= 0; got "
                    + cell + ", " + hidden + ", " + layers + ", " + embedding);
        }
    }

    /** The model for data whose steps read {@code input} and are scored as {@code output}. */
    public SequenceModel model(SequenceModelSpec.Input input, SequenceModelSpec.Output output) {
        RecurrentSpec rnn = new RecurrentSpec(cell, input.networkWidth(), hidden, layers, RecurrentSpec.Directions.ONE);
        return new SequenceModel(new SequenceModelSpec(input, rnn, output, regularization));
    }
}
