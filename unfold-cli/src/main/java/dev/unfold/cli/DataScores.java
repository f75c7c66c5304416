package dev.unfold.cli;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.ForecastWindows;
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
    static void print(PrintWriter out, ModelFolder folder, ModelFolder.DataFile file, WindowRunner runner) {
        print(out, file, run(folder, file.encoded(), runner));
    }

    /** As {@link #print(PrintWriter, ModelFolder, ModelFolder.DataFile, WindowRunner)}, for predictions already made. */
    static void print(PrintWriter out, ModelFolder.DataFile file, DatasetEvaluation.Result result) {
        EncodedSequences data = file.encoded();
        DatasetEvaluation.Scores s = result.scores().orElseThrow();
        SequenceTask task = data.tables().task();
        out.printf(Locale.ROOT, "sequences=%d %s=%d%s%n", data.size(), task.perStep() ? "scored_steps" : "scored", s.scored(),
                task == SequenceTask.CLASSIFY || task == SequenceTask.LABEL ? " unknown_classes=" + s.unknownClasses() : "");
        if (task == SequenceTask.CLASSIFY || task == SequenceTask.LABEL) {
            confusion(out, data.tables().classes().orElseThrow(), s.confusion());
        }
        file.windows().ifPresent(w -> baselines(out, w));
        String main = task.mainMetric(data.tables().input());
        for (Map.Entry<String, Double> e : s.metrics().entrySet()) {
            if (!e.getKey().equals(main)) {
                out.printf(Locale.ROOT, "%s=%.6f%n", e.getKey(), e.getValue());
            }
        }
        out.printf(Locale.ROOT, "%s=%.6f%n", main, s.metrics().get(main));
    }

    /** What the naive and seasonal-naive forecasts score on the same windows, in the series' units. */
    private static void baselines(PrintWriter out, ForecastWindows.Windows w) {
        out.printf(Locale.ROOT, "windows=%d%n", w.file().size());
        score(out, "naive", w, w.naive());
        if (!w.seasonal().isEmpty() && w.seasonal().get(0) != null) {
            score(out, "seasonal_naive", w, w.seasonal());
        }
    }

    private static void score(PrintWriter out, String name, ForecastWindows.Windows w, java.util.List<double[]> forecasts) {
        double se = 0;
        double ae = 0;
        long n = 0;
        for (int i = 0; i < forecasts.size(); i++) {
            double[] y = ((dev.unfold.data.SequenceExample.Value) w.file().examples().get(i).target()).y();
            for (int k = 0; k < y.length; k++) {
                double d = forecasts.get(i)[k] - y[k];
                se += d * d;
                ae += Math.abs(d);
                n++;
            }
        }
        out.printf(Locale.ROOT, "%s_mae=%.6f%n%s_mse=%.6f%n", name, ae / n, name, se / n);
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
