package dev.unfold.data;

import dev.unfold.io.Vocabulary;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import java.util.Arrays;
import java.util.Optional;

/**
 * A text made ready for a character model: its vocabulary, the training streams of its first part, and its
 * last part, kept for validation, as one episode of up to 16 streams.
 */
public record TextData(Vocabulary vocabulary, TextStreams train, Optional<Episode> validation, int validationStreams) {
    static final int VALIDATION_STREAMS = 16;

    /** {@code text} split for training in batches of {@code batch} streams, its last {@code validationFraction} kept for validation. */
    public static TextData of(String text, int batch, double validationFraction) {
        return of(text, Vocabulary.of(text), batch, validationFraction);
    }

    /** As {@link #of(String, int, double)} with a given vocabulary (another model's, say). */
    public static TextData of(String text, Vocabulary vocab, int batch, double validationFraction) {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("the validation share of a text must be between 0 and 1, got " + validationFraction);
        }
        int[] ids = vocab.encode(text).ids();
        int valLength = (int) Math.round(ids.length * validationFraction);
        int[] train = Arrays.copyOfRange(ids, 0, ids.length - valLength);
        int[] val = Arrays.copyOfRange(ids, ids.length - valLength, ids.length);
        TextStreams streams = new TextStreams(train, batch, vocab.size());
        int valStreams = Math.max(1, Math.min(VALIDATION_STREAMS, val.length / 64));
        Optional<Episode> validation = val.length < 2 * valStreams ? Optional.empty()
                : Optional.of(new TextStreams(val, valStreams, vocab.size()).episode(0, new Rng(0), DType.F32));
        return new TextData(vocab, streams, validation, valStreams);
    }

    /**
     * All of {@code text} for training, validated on {@code validation} (read with the training text's
     * vocabulary: its other characters are unknown); empty when it is too short to validate on.
     */
    public static TextData withValidationText(String text, String validation, int batch) {
        Vocabulary vocab = Vocabulary.of(text);
        int[] val = vocab.encode(validation).ids();
        int valStreams = Math.max(1, Math.min(VALIDATION_STREAMS, val.length / 64));
        Optional<Episode> episode = val.length < 2 * valStreams + 1 ? Optional.empty()
                : Optional.of(new TextStreams(val, valStreams, vocab.size()).episode(0, new Rng(0), DType.F32));
        return new TextData(vocab, new TextStreams(vocab.encode(text).ids(), batch, vocab.size()), episode, valStreams);
    }

    /** Characters in the training part. */
    public int trainingCharacters() {
        return train.characters();
    }
}
