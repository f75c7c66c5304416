package dev.unfold.cli;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.SymbolTable;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.io.SafeText;
import dev.unfold.tensor.DType;
import dev.unfold.window.MemoryEstimate;
import dev.unfold.window.WindowRunner;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** A data model's predictions on a file's sequences, and how its scores are printed. */
final class DataScores {
    /** Sequences run at once. */
    static final int BATCH = 64;

    private DataScores() {
    }

    /** Runs the model of {@code folder} on {@code data}. */
    static DatasetEvaluation.Result run(ModelFolder folder, EncodedSequences data, WindowRunner runner) {
        int longest = Arrays.stream(data.lengths()).max().orElse(1);
        MemoryEstimate.inference(folder.trained().model().spec(), Math.min(BATCH, data.size()), longest).requireFits("running " + folder.dir() + " on " + data.file().file());
        return new DatasetEvaluation(folder.trained().model(), runner, DType.F32, BATCH).run(folder.trained().weights(), data);
    }

    /** The scores as {@code name=value} lines, the task's main metric last; a classifier's confusion matrix before them. */
    static void print(PrintWriter out, ModelFolder folder, EncodedSequences data, WindowRunner runner) {
        DatasetEvaluation.Scores s = run(folder, data, runner).scores().orElseThrow();
        SequenceTask task = data.tables().task();
        out.printf(Locale.ROOT, "sequences=%d scored=%d%s%n", data.size(), s.scored(),
                task == SequenceTask.CLASSIFY ? " unknown_classes=" + s.unknownClasses() : "");
        if (task == SequenceTask.CLASSIFY) {
            confusion(out, data.tables().classes().orElseThrow(), s.confusion());
        }
        String main = task.mainMetric();
        for (Map.Entry<String, Double> e : s.metrics().entrySet()) {
            if (!e.getKey().equals(main)) {
                out.printf(Locale.ROOT, "%s=%.6f%n", e.getKey(), e.getValue());
            }
        }
        out.printf(Locale.ROOT, "%s=%.6f%n", main, s.metrics().get(main));
    }

    private static void confusion(PrintWriter out, SymbolTable classes, long[][] m) {
        int width = 7;
        for (String c : classes.names()) {
            width = Math.max(width, Math.min(SafeText.MAX, c.length()) + 2);
        }
        out.println("confusion matrix (rows: actual class, columns: predicted class)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%" + width + "s", ""));
        for (String c : classes.names()) {
            head.append(String.format(Locale.ROOT, "%" + width + "s", SafeText.clip(c)));
        }
        out.println(head);
        for (int a = 0; a < m.length; a++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%" + width + "s", SafeText.clip(classes.name(a))));
            for (long n : m[a]) {
                row.append(String.format(Locale.ROOT, "%" + width + "d", n));
            }
            out.println(row);
        }
    }
}
