package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;

/** Where training data comes from: a text's streams, or a generated long-memory task. */
public interface SequenceSource {
    /** Number of sequences per batch. */
    int batch();

    /** The kind of input and output a model for this source has. */
    SequenceModelSpec.Input input(int embedding);

    SequenceModelSpec.Output output();

    /**
     * The {@code index}-th episode. Generated sources draw from {@code rng}; a text's streams are the same
     * every epoch.
     */
    Episode episode(long index, Rng rng, DType dtype);
}
