package dev.unfold.cli;

import dev.unfold.io.AtomicFiles;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.MetricsHistory;
import dev.unfold.viz.LossChart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold plot}: loss curves of a run as PNG and SVG files, and for a data model its scores on a file. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = {"Write the training and validation curves of a run as PNG and SVG.",
    "With --data FILE, a model trained with --data is also scored on FILE: confusion.svg (a class per sequence or per step) or",
    "predicted.svg (predicted against actual values), and report.html showing them with the curves and the scores."})
final class PlotCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Run folder (with metrics.jsonl).")
    Path model;

    @Option(names = "--out", description = "Folder for loss.png, loss.svg, loss-time.png, loss-time.svg (default: the run folder).")
    Path out;

    @Option(names = "--data", description = "A data model's file to score for the report (read as its training data was).")
    Path data;

    @Option(names = "--checkpoint", defaultValue = "best", converter = ModelFolder.WhichName.class,
            description = "Which checkpoint's validation to mark: best (the model the folder keeps) or last (default: ${DEFAULT-VALUE}).")
    Checkpointing.Choice checkpoint;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        MetricsHistory h = MetricsHistory.read(model);
        if (h.train().isEmpty()) {
            throw new IllegalArgumentException(model + ": metrics.jsonl has no training points yet");
        }
        Path dir = out == null ? model : out;
        for (LossCharts.Axis axis : LossCharts.Axis.values()) {
            LossChart chart = LossCharts.of(h, axis, checkpoint);
            String base = axis == LossCharts.Axis.UPDATES ? "loss" : "loss-time";
            AtomicFiles.write(dir.resolve(base + ".svg"), chart.svg().getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(dir.resolve(base + ".png"), chart.png());
            spec.commandLine().getOut().println("wrote " + dir.resolve(base + ".png") + " and " + dir.resolve(base + ".svg"));
        }
        LossCharts.kept(h, checkpoint).ifPresent(k -> spec.commandLine().getOut().printf(java.util.Locale.ROOT, "marked: %s checkpoint, update %d, val_%s %.4f%n",
                Choices.name(checkpoint), (long) k[0], h.validationKey(), k[2]));
        if (data != null) {
            DataReport.write(ModelFolder.load(model, checkpoint, false), data, dir, spec.commandLine().getOut());
        }
        return 0;
    }
}
