package dev.unfold.data;

import java.util.Locale;

/** What a model learns from a data file's sequences. */
public enum SequenceTask {
    /** One class per sequence: softmax cross-entropy; accuracy, macro-F1 and a confusion matrix. */
    CLASSIFY,
    /** A value or vector per sequence: mean squared error; MAE and R². */
    REGRESS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The target a data file must hold for this task. */
    public SequenceFile.TargetKind target() {
        return this == CLASSIFY ? SequenceFile.TargetKind.LABEL : SequenceFile.TargetKind.VALUE;
    }

    /** The metric a run keeps its best model by and {@code eval} prints last. */
    public String mainMetric() {
        return this == CLASSIFY ? "accuracy" : "mse";
    }
}
