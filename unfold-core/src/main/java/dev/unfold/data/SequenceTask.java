package dev.unfold.data;

import java.util.Locale;

/** What a model learns from a data file's sequences. */
public enum SequenceTask {
    /** One class per sequence: softmax cross-entropy; accuracy, macro-F1 and a confusion matrix. */
    CLASSIFY,
    /** A value or vector per sequence: mean squared error; MAE and R². */
    REGRESS,
    /** The next H values of a series from its last W steps: a value per horizon step, as {@link #REGRESS}, beside the naive baselines. */
    FORECAST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The target a model's sequences have: a class, or values (a forecast's windows have the next H values). */
    public SequenceFile.TargetKind target() {
        return this == CLASSIFY ? SequenceFile.TargetKind.LABEL : SequenceFile.TargetKind.VALUE;
    }

    /** The target a data file must hold for this task: a forecast's series has a value per step. */
    public SequenceFile.TargetKind fileTarget() {
        return this == FORECAST ? SequenceFile.TargetKind.VALUES : target();
    }

    /** The metric a run keeps its best model by and {@code eval} prints last. */
    public String mainMetric() {
        return this == CLASSIFY ? "accuracy" : "mse";
    }
}
