package dev.unfold.train;

import dev.unfold.data.TaskKind;
import java.nio.file.Path;
import java.util.Optional;

/** What a run trains on, as a run folder records it. */
public sealed interface DataSpec {
    /** A text ({@code file}, or the embedded corpus when empty) whose last {@code validationFraction} is kept for validation. */
    record Text(Optional<Path> file, double validationFraction) implements DataSpec {
        public Text {
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("the validation share of a text must be between 0 and 1, got " + validationFraction);
            }
        }
    }

    /** A generated long-memory task at length parameter {@code length}. */
    record Task(TaskKind kind, int length) implements DataSpec {
        public Task {
            if (length < kind.minimumLength()) {
                throw new IllegalArgumentException("the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " task needs a length of at least "
                        + kind.minimumLength() + ", got " + length);
            }
        }
    }
}
