package dev.unfold.cli;

/** A run that started and failed on its own terms (a diverged loss, a failed check): exit code 1. */
final class TrainingFailed extends RuntimeException {
    TrainingFailed(String message) {
        super(message);
    }
}
