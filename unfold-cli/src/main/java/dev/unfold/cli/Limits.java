package dev.unfold.cli;

/** Range checks for numeric options, with messages that name the option. */
final class Limits {
    private Limits() {
    }

    static int range(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static double finite(String option, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(option + " must be a finite number, got " + value);
        }
        return value;
    }

    static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be positive, got " + value);
        }
        return value;
    }

    static double notNegative(String option, double value) {
        finite(option, value);
        if (value < 0) {
            throw new IllegalArgumentException(option + " must not be negative, got " + value);
        }
        return value;
    }

    /** A dropout or zoneout probability: in [0, 1). */
    static double probability(String option, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(option + " must be a probability in [0, 1), got " + p);
        }
        return p;
    }
}
