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
}
