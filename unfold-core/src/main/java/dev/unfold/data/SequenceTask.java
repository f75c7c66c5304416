package dev.unfold.data;

import java.util.Locale;

/** What a model learns from a data file's sequences. */
public enum SequenceTask {
    /** One class per sequence: softmax cross-entropy; accuracy, macro-F1 and a confusion matrix. */
    CLASSIFY,
    /** A value or vector per sequence: mean squared error; MAE and R². */
    REGRESS,
    /** The next H values of a series from its last W steps: a value per horizon step, as {@link #REGRESS}, beside the naive baselines. */
    FORECAST,
    /** One class per step ({@code "labels"}): cross-entropy over the valid steps; accuracy over them and each class's F1. */
    LABEL,
    /** Each next symbol of a text or token sequence from the ones before it: bits per symbol over the valid steps. */
    LM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The target a model's sequences have: a class, classes per step, or values (a forecast's windows have the next H values). */
    public SequenceFile.TargetKind target() {
        return switch (this) {
            case CLASSIFY -> SequenceFile.TargetKind.LABEL;
            case LABEL, LM -> SequenceFile.TargetKind.LABELS;
            case REGRESS, FORECAST -> SequenceFile.TargetKind.VALUE;
        };
    }

    /** The target a data file must hold for this task: a forecast's series has a value per step; a language model's file none. */
    public SequenceFile.TargetKind fileTarget() {
        return switch (this) {
            case FORECAST -> SequenceFile.TargetKind.VALUES;
            case LM -> SequenceFile.TargetKind.NONE;
            default -> target();
        };
    }

    /** Whether the model is scored at every valid step rather than once per sequence. */
    public boolean perStep() {
        return this == LABEL || this == LM;
    }

    /** Whether the model's outputs are classes. */
    public boolean classes() {
        return this == CLASSIFY || this == LABEL || this == LM;
    }

    /** The metric {@code eval} prints last: accuracy, mean squared error, or bits per character or token. */
    public String mainMetric(SequenceFile.InputKind input) {
        return switch (this) {
            case CLASSIFY, LABEL -> "accuracy";
            case REGRESS, FORECAST -> "mse";
            case LM -> input == SequenceFile.InputKind.TEXT ? "bits_per_char" : "bits_per_token";
        };
    }
}
