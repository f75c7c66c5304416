package dev.unfold.cli;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.SequenceExample;
import dev.unfold.data.SequenceTask;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.AtomicFiles;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.MetricsHistory;
import dev.unfold.viz.ConfusionChart;
import dev.unfold.viz.LossChart;
import dev.unfold.viz.ScatterChart;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A data model's report in its folder: the curves, its scores on a file, and a confusion matrix or predicted against actual values. */
final class DataReport {
    private DataReport() {
    }

    static void write(ModelFolder folder, Path file, Path dir, PrintWriter out) throws IOException {
        if (!folder.isDataModel()) {
            throw new IllegalArgumentException(folder.dir() + " holds a model trained on " + (folder.isCharacterModel() ? "a text" : "the " + folder.taskName()
                    + " task") + "; --data scores models trained with --data");
        }
        write(folder, folder.readFile(file, true), String.valueOf(file.getFileName()), dir, out);
    }

    /** The report of a run just trained, on the sequences it validated on, with its curves, in its folder. */
    static void afterTraining(Path run, EncodedSequences validation, PrintWriter out) throws IOException {
        MetricsHistory h = MetricsHistory.read(run);
        if (!h.train().isEmpty()) {
            LossChart chart = LossCharts.of(h, LossCharts.Axis.UPDATES, Checkpointing.Choice.BEST);
            AtomicFiles.write(run.resolve("loss.svg"), chart.svg().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(run.resolve("loss.png"), chart.png());
        }
        write(ModelFolder.load(run), new ModelFolder.DataFile(validation, Optional.empty()), "its validation sequences", run, out);
    }

    private static void write(ModelFolder folder, ModelFolder.DataFile data, String source, Path dir, PrintWriter out) throws IOException {
        EncodedSequences encoded = data.encoded();
        StringWriter scores = new StringWriter();
        String chart;
        String name;
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            DatasetEvaluation.Result r = DataScores.run(folder, encoded, runner);
            PrintWriter w = new PrintWriter(scores);
            DataScores.print(w, data, r);
            w.flush();
            SequenceTask task = encoded.tables().task();
            if (task == SequenceTask.CLASSIFY || task == SequenceTask.LABEL) {
                name = "confusion.svg";
                chart = ConfusionChart.svg(encoded.tables().classes().orElseThrow().names(), r.scores().orElseThrow().confusion(),
                        "confusion matrix on " + source + (task == SequenceTask.LABEL ? " (valid steps)" : ""));
            } else if (task == SequenceTask.LM) {
                name = null;
                chart = null;
            } else {
                name = "predicted.svg";
                chart = ScatterChart.svg(points(encoded, r), "predicted against actual on " + source, "");
            }
        }
        if (chart != null) {
            AtomicFiles.write(dir.resolve(name), chart.getBytes(StandardCharsets.UTF_8));
            out.println("wrote " + dir.resolve(name));
        }
        StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(folder.dir().getFileName() + " on " + source)).append("</title></head><body style=\"font-family:sans-serif\">\n")
                .append("<h1>").append(escape(String.valueOf(folder.dir().getFileName()))).append("</h1>\n")
                .append("<h2>Training</h2>\n<img src=\"loss.svg\" alt=\"training and validation curves\">\n")
                .append("<h2>Scores on ").append(escape(source)).append("</h2>\n<pre>").append(escape(scores.toString())).append("</pre>\n");
        if (chart != null) {
            html.append("<img src=\"").append(name).append("\" alt=\"").append(name).append("\">\n");
        }
        html.append("</body></html>\n");
        AtomicFiles.write(dir.resolve("report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
        out.println("wrote " + dir.resolve("report.html"));
    }

    /** {actual, predicted} for every value of every prediction, in the data's own units. */
    private static List<double[]> points(EncodedSequences encoded, DatasetEvaluation.Result r) {
        List<double[]> points = new ArrayList<>();
        for (DatasetEvaluation.Prediction p : r.predictions()) {
            double[] actual = encoded.tables().targets().orElseThrow().invert(encoded.row(p.row()).y());
            for (int i = 0; i < actual.length; i++) {
                points.add(new double[] {actual[i], p.values()[i]});
            }
        }
        return points;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
