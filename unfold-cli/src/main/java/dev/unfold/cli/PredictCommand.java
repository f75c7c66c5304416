package dev.unfold.cli;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.AtomicFiles;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold predict}: a data model's prediction for every sequence of a file, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict every sequence of a data file with a model trained with --data, and write the predictions as CSV:",
            "line (where the sequence starts in the file), then the class and each class's probability, or the predicted values;",
            "a forecast model forecasts the H steps after the end of each series; a label or lm model writes a row per step."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Run folder of a model trained with --data.")
    Path model;

    @Option(names = "--data", required = true, description = "Sequences to predict, read as the training data was (targets, if present, are ignored).")
    Path data;

    @Option(names = "--out", required = true, description = "CSV file to write.")
    Path out;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelFolder folder = checkpoints.load(model);
        if (!folder.isDataModel()) {
            throw new IllegalArgumentException(model + " holds a model trained on " + (folder.isCharacterModel() ? "a text" : "the " + folder.taskName() + " task")
                    + "; predict runs models trained with --data");
        }
        EncodedSequences sequences = folder.readData(data, false);
        DatasetEvaluation.Result r;
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            r = DataScores.run(folder, sequences, runner);
        }
        SequenceTask task = sequences.tables().task();
        List<String> header = header(sequences);
        AtomicFiles.write(out, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get());
            for (DatasetEvaluation.Prediction p : r.predictions()) {
                long line = sequences.row(p.row()).line();
                if (task.perStep()) {
                    for (int t = 0; t < p.steps().length; t++) {
                        List<Object> row = new ArrayList<>(List.of(line, t + 1));
                        if (task == SequenceTask.LABEL) {
                            row.add(sequences.tables().classes().orElseThrow().name(p.steps()[t]));
                            for (double q : p.stepProbabilities()[t]) {
                                row.add(String.format(Locale.ROOT, "%.6f", q));
                            }
                        } else {
                            row.add(sequences.tables().symbols().orElseThrow().name(p.steps()[t]));
                            row.add(String.format(Locale.ROOT, "%.6f", p.confidence()[t]));
                        }
                        csv.printRecord(row);
                    }
                    continue;
                }
                List<Object> row = new ArrayList<>(List.of(line));
                if (task == SequenceTask.CLASSIFY) {
                    row.add(sequences.tables().classes().orElseThrow().name(p.label()));
                    for (double q : p.probabilities()) {
                        row.add(String.format(Locale.ROOT, "%.6f", q));
                    }
                } else {
                    for (double v : p.values()) {
                        row.add(String.format(Locale.ROOT, "%.6g", v));
                    }
                }
                csv.printRecord(row);
            }
            csv.flush();
        });
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d predictions%n", out, r.predictions().size());
        return 0;
    }

    /** The columns: the sequence's line, a step for a model scored at every step, then classes and their probabilities, or values. */
    private static List<String> header(EncodedSequences sequences) {
        SequenceTask task = sequences.tables().task();
        List<String> header = new ArrayList<>(List.of("line"));
        if (task.perStep()) {
            header.add("step");
        }
        switch (task) {
            case CLASSIFY, LABEL -> {
                header.add("predicted");
                sequences.tables().classes().orElseThrow().names().forEach(c -> header.add("p_" + c));
            }
            case LM -> {
                header.add("next");
                header.add("p_next");
            }
            case REGRESS, FORECAST -> {
                int width = sequences.tables().targets().orElseThrow().width();
                for (int i = 0; i < width; i++) {
                    header.add(task == SequenceTask.FORECAST ? "forecast_" + (i + 1) : width == 1 ? "predicted" : "predicted_" + i);
                }
            }
        }
        return header;
    }
}
