package dev.unfold.data;

import dev.unfold.tensor.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Training sequences of a JSON Lines file that is not held: a batch's lines are read again from disk, encoded
 * with the tables and padded as {@link EncodedSequences} pads them, so a streamed run trains as a held one does.
 */
public final class StreamedSequences implements SequenceStore {
    private final JsonlIndex index;
    private final int[] rows;
    private final int[] lengths;
    private final DataTables tables;
    private final PaddedLengths padded;

    /** The sequences {@code rows} (indices into {@code index}, in order) of the file, encoded with {@code tables}. */
    public StreamedSequences(JsonlIndex index, int[] rows, DataTables tables) {
        this.index = index;
        this.rows = rows.clone();
        this.tables = tables;
        this.lengths = Arrays.stream(this.rows).map(index::length).toArray();
        this.padded = PaddedLengths.of(lengths);
    }

    @Override
    public DataTables tables() {
        return tables;
    }

    @Override
    public int size() {
        return rows.length;
    }

    @Override
    public int[] lengths() {
        return lengths.clone();
    }

    @Override
    public Episode batch(int[] indices, DType dtype) {
        int[] lines = Arrays.stream(indices).map(i -> rows[i]).toArray();
        try {
            SequenceFile part = index.header();
            SequenceFile read = new SequenceFile(part.file(), index.read(lines), part.input(), part.target(), part.featureWidth(), part.targetWidth());
            EncodedSequences encoded = EncodedSequences.of(read, tables, true);
            int[] all = new int[indices.length];
            Arrays.setAll(all, i -> i);
            int longest = Arrays.stream(indices).map(i -> lengths[i]).max().orElseThrow();
            return encoded.batch(all, dtype, padded.steps(longest));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
