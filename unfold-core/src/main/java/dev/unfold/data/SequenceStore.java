package dev.unfold.data;

import dev.unfold.tensor.DType;

/** A data file's training sequences as batches are drawn from them: held in memory, or read from disk when a batch needs them. */
public interface SequenceStore {
    /** The tables the sequences are encoded with. */
    DataTables tables();

    int size();

    /** Each sequence's number of steps. */
    int[] lengths();

    /** Sequences {@code indices} padded into one batch, to the length {@link PaddedLengths} gives its longest sequence. */
    Episode batch(int[] indices, DType dtype);
}
