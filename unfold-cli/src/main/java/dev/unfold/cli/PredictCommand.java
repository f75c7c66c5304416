package dev.unfold.cli;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.AtomicFiles;
import dev.unfold.store.Checkpointing;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold predict}: a data model's prediction for every sequence of a file, as CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict every sequence of a data file with a model trained with --data, and write the predictions as CSV:",
            "line (where the sequence starts in the file), then the class and each class's probability, or the predicted values;",
            "a forecast model forecasts the H steps after the end of each series."})
final class PredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Run folder of a model trained with --data.")
    Path model;

    @Option(names = "--data", required = true, description = "Sequences to predict, read as the training data was (targets, if present, are ignored).")
    Path data;

    @Option(names = "--out", required = true, description = "CSV file to write.")
    Path out;

    @Option(names = "--checkpoint", defaultValue = "best", converter = ModelFolder.WhichName.class,
            description = "Which of the run's checkpoints: best or last (default: ${DEFAULT-VALUE}).")
    Checkpointing.Choice checkpoint;

    @Option(names = "--allow-non-finite", description = "Load a model whose weights hold NaN or infinite values (refused otherwise).")
    boolean allowNonFinite;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelFolder folder = ModelFolder.load(model, checkpoint, allowNonFinite);
        if (!folder.isDataModel()) {
            throw new IllegalArgumentException(model + " holds a model trained on " + (folder.isCharacterModel() ? "a text" : "the " + folder.taskName() + " task")
                    + "; predict runs models trained with --data");
        }
        EncodedSequences sequences = folder.readData(data, false);
        DatasetEvaluation.Result r;
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            r = DataScores.run(folder, sequences, runner);
        }
        List<String> header = new ArrayList<>(List.of("line"));
        boolean classes = sequences.tables().task() == SequenceTask.CLASSIFY;
        if (classes) {
            header.add("predicted");
            sequences.tables().classes().orElseThrow().names().forEach(c -> header.add("p_" + c));
        } else {
            int width = sequences.tables().targets().orElseThrow().width();
            boolean forecast = sequences.tables().forecast().isPresent();
            for (int i = 0; i < width; i++) {
                header.add(forecast ? "forecast_" + (i + 1) : width == 1 ? "predicted" : "predicted_" + i);
            }
        }
        AtomicFiles.write(out, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CSVPrinter csv = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new)).setRecordSeparator('\n').get());
            for (DatasetEvaluation.Prediction p : r.predictions()) {
                List<Object> row = new ArrayList<>();
                row.add(sequences.row(p.row()).line());
                if (classes) {
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
}
