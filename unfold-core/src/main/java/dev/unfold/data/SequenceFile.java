package dev.unfold.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The sequences of one data file, all of one kind: every line has the same kind of steps (a text, tokens
 * or vectors of {@code featureWidth}) and the same kind of target (of {@code targetWidth} values for a
 * regression).
 */
public record SequenceFile(Path file, List<SequenceExample> examples, InputKind input, TargetKind target, int featureWidth, int targetWidth) {
    public SequenceFile {
        examples = List.copyOf(examples);
    }

    /** What a sequence's steps are, by the field that holds them. */
    public enum InputKind {
        TEXT("text"), TOKENS("tokens"), VECTORS("x");

        private final String field;

        InputKind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** What a sequence is mapped to, by the field that holds it. */
    public enum TargetKind {
        NONE(""), LABEL("label"), LABELS("labels"), VALUE("y"), VALUES("ys");

        private final String field;

        TargetKind(String field) {
            this.field = field;
        }

        public String field() {
            return field;
        }

        /** Whether the target is one thing per step rather than one per sequence. */
        public boolean perStep() {
            return this == LABELS || this == VALUES;
        }
    }

    public int size() {
        return examples.size();
    }

    /** Steps over all sequences. */
    public long steps() {
        return examples.stream().mapToLong(e -> e.steps().length()).sum();
    }

    public int longest() {
        return examples.stream().mapToInt(e -> e.steps().length()).max().orElse(0);
    }
}
