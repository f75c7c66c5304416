package dev.unfold.train;

import dev.unfold.data.CsvSequences;
import dev.unfold.data.ForecastWindows;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.TaskKind;
import java.nio.file.Path;
import java.util.Optional;

/** What a run trains on, as a run folder records it. */
public sealed interface DataSpec {
    /**
     * A text ({@code file}, or the embedded corpus when empty) validated on a text of its own
     * ({@code validationFile}) or else on its last {@code validationFraction}; {@code sha256} is the hash of
     * the file's text once a run has read it, so that a resumed run can tell when the file changed.
     */
    record Text(Optional<Path> file, double validationFraction, Optional<String> sha256, Optional<Path> validationFile) implements DataSpec {
        public Text {
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("the validation share of a text must be between 0 and 1, got " + validationFraction);
            }
        }

        /** A text not read yet, validated on its last part. */
        public Text(Optional<Path> file, double validationFraction) {
            this(file, validationFraction, Optional.empty(), Optional.empty());
        }

        /** The same text, with the hash of its bytes. */
        public Text hashed(String hash) {
            return new Text(file, validationFraction, Optional.of(hash), validationFile);
        }

        /** The same text, validated on {@code other} instead of its last part. */
        public Text validatedOn(Path other) {
            return new Text(file, validationFraction, sha256, Optional.of(other));
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

    /**
     * Sequences of a data file ({@code file}; CSV read by {@code csv}'s columns, else JSON Lines) for {@code task},
     * validated on a file of their own ({@code validationFile}) or else on a seeded {@code validationFraction}
     * of the sequences; {@code sha256} is the hash of the file once a run has read it.
     */
    record Data(Path file, Optional<CsvSequences.Columns> csv, SequenceTask task, double validationFraction, Optional<Path> validationFile,
            Optional<String> sha256, Optional<ForecastWindows.Shape> forecast) implements DataSpec {
        /** Data that is not a forecast. */
        public Data(Path file, Optional<CsvSequences.Columns> csv, SequenceTask task, double validationFraction, Optional<Path> validationFile,
                Optional<String> sha256) {
            this(file, csv, task, validationFraction, validationFile, sha256, Optional.empty());
        }

        public Data {
            if ((task == SequenceTask.FORECAST) != forecast.isPresent()) {
                throw new IllegalArgumentException(task == SequenceTask.FORECAST ? "a forecast needs a window and a horizon" : "only a forecast has a window");
            }
            if (!(validationFraction > 0 && validationFraction < 1)) {
                throw new IllegalArgumentException("the validation share of a data file must be between 0 and 1, got " + validationFraction);
            }
        }

        /** The same data, with the hash of the file. */
        public Data hashed(String hash) {
            return new Data(file, csv, task, validationFraction, validationFile, Optional.of(hash), forecast);
        }
    }
}
