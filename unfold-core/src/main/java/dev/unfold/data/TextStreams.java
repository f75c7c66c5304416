package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * A text cut into B contiguous streams, read side by side: at step t the batch holds character t of each
 * stream and the targets are the characters that follow. Because stream b continues at step t+1 where it
 * was at step t, the state carried from one update to the next belongs to the same text.
 */
public final class TextStreams implements SequenceSource {
    private final int[] ids;
    private final int batch;
    private final int vocabulary;
    private final int streamLength;

    public TextStreams(int[] ids, int batch, int vocabulary) {
        if (batch <= 0) {
            throw new IllegalArgumentException("a text needs at least one stream per batch, got " + batch);
        }
        this.ids = ids;
        this.batch = batch;
        this.vocabulary = vocabulary;
        this.streamLength = ids.length / batch;
        if (streamLength < 2) {
            throw new IllegalArgumentException("the text has " + ids.length + " characters, too few for " + batch + " streams");
        }
    }

    /** Characters the streams were cut from. */
    public int characters() {
        return ids.length;
    }

    /** Steps in one pass: each stream's length less the one character that only serves as a target. */
    public int steps() {
        return streamLength - 1;
    }

    @Override
    public int batch() {
        return batch;
    }

    @Override
    public SequenceModelSpec.Input input(int embedding) {
        return new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, vocabulary, embedding);
    }

    @Override
    public SequenceModelSpec.Output output() {
        return new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, vocabulary);
    }

    @Override
    public Episode episode(long index, Rng rng, DType dtype) {
        return new Episode() {
            @Override
            public int length() {
                return steps();
            }

            @Override
            public Tensor input(int t) {
                return column(t, dtype);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.of(column(t + 1, dtype));
            }
        };
    }

    private Tensor column(int t, DType dtype) {
        return Tensor.generate(dtype, Shape.of(batch), b -> ids[b * streamLength + t]);
    }
}
