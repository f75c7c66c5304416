package dev.unfold.cli;

import dev.unfold.eval.GradientFlow;
import dev.unfold.eval.Sampler;
import dev.unfold.io.AtomicFiles;
import dev.unfold.io.TextCorpus;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Clipping;
import dev.unfold.optim.OptimizerConfig;
import dev.unfold.run.TrainingRun;
import dev.unfold.store.MetricsHistory;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.train.DataSpec;
import dev.unfold.train.ModelSettings;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingPlan;
import dev.unfold.viz.Annotations;
import dev.unfold.viz.Detail;
import dev.unfold.viz.HeatMap;
import dev.unfold.viz.HtmlPage;
import dev.unfold.viz.UnfoldedView;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unfold demo}, the main job: train a character LSTM on the embedded King James text for a couple
 * of minutes, print what it writes, and build a report of the run: curves, the folded and unfolded
 * graph of the trained model, gradient flow over time before and after training, and samples.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a character LSTM for about two minutes and write an interactive report.",
            "Trains on the embedded King James text (Genesis to Ruth), prints a few generated lines, and writes DIR/index.html."})
final class DemoCommand implements Callable<Integer> {
    static final int FLOW_STEPS = 24;
    static final int FLOW_BATCH = 4;

    @Option(names = "--minutes", defaultValue = "2", description = "Training budget in minutes (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--out", defaultValue = "unfold-report", description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--hidden", defaultValue = "256", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(minutes > 0) || minutes > 24 * 60) {
            throw new IllegalArgumentException("--minutes must be between 0 and 1440, got " + minutes);
        }
        Limits.range("--hidden", hidden, 1, 4096);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(out + " is a file, not a folder for the report");
        }
        Files.createDirectories(out);
        Path model = out.resolve("model");
        RunConfig config = config();
        PrintWriter stdout = spec.commandLine().getOut();
        GradientFlow.Measured before = flow(config, null);
        TrainingRun.Result r = TrainCommand.runWithCtrlC(config, model, TrainingRun.Start.REPLACE, spec.commandLine().getErr(), result -> { });
        TrainedModel saved = TrainedModel.load(model);
        GradientFlow.Measured after = flow(config, saved);
        Map<Double, String> samples = new LinkedHashMap<>();
        Sampler sampler = Sampler.of(saved);
        for (double temperature : new double[] {0.5, 0.8, 1.0}) {
            samples.put(temperature, sampler.sample("\n", 400, new Sampler.Sampling(temperature, 0, seed)));
        }
        stdout.printf(Locale.ROOT, "trained %d updates in %s; validation %.3f bits/char%s%n", r.steps(), TerminalProgress.duration(r.seconds()),
                r.validation().orElse(Double.NaN), r.best().map(b -> String.format(Locale.ROOT, "; kept the best, %.3f at update %d", b.value(), b.step()))
                        .orElse(""));
        stdout.println("sample (temperature 0.8):");
        samples.get(0.8).lines().filter(l -> !l.isBlank()).limit(4).forEach(l -> stdout.println("  " + l));
        Path index = out.resolve("index.html");
        AtomicFiles.write(index, report(config, r, saved, before, after, samples).getBytes(StandardCharsets.UTF_8));
        stdout.println("report: " + index.toAbsolutePath().normalize());
        return r.stopped() ? 130 : 0;
    }

    private RunConfig config() {
        TrainingPlan plan = TrainingPlan.builder().batch(32).sequenceLength(64).optimizer(OptimizerConfig.adam()).learningRate(0.002)
                .clipping(Clipping.byNorm(5.0)).budget(TrainingPlan.Budget.minutes(minutes)).intervals(new TrainingPlan.Intervals(10, 200, 500))
                .init(InitScheme.PYTORCH).seed(seed).build();
        return new RunConfig(new DataSpec.Text(java.util.Optional.empty(), 0.05), new ModelSettings(CellType.LSTM, hidden, 1, 64,
                TrainOptions.TEXT_REGULARIZATION), plan);
    }

    /** The model's regularisation as the report names it. */
    static String regularization(dev.unfold.nn.Regularization r) {
        List<String> parts = new java.util.ArrayList<>();
        if (r.dropout() > 0) {
            parts.add("dropout " + r.dropout());
        }
        if (r.variational() > 0) {
            parts.add("variational dropout " + r.variational() + " on the LSTM's input and state (one mask per sequence)");
        }
        if (r.zoneout() > 0) {
            parts.add("zoneout " + r.zoneout());
        }
        return parts.isEmpty() ? "" : "; " + String.join(", ", parts) + " in training";
    }

    /** Gradient flow on the first validation characters; {@code saved} null means the initial parameters. */
    private GradientFlow.Measured flow(RunConfig config, TrainedModel saved) {
        String text = TextCorpus.embedded();
        Vocabulary vocab = saved == null ? Vocabulary.of(text) : saved.vocabulary().orElseThrow();
        var data = dev.unfold.run.RunData.forText(config, "flow", text, vocab, DType.F32);
        var m = data.model();
        Weights weights = saved == null ? Weights.initial(m.parameters(), config.plan().init(), config.plan().seed(), DType.F32) : saved.weights();
        return GradientFlow.onText(m, weights, text.substring(text.length() - text.length() / 20), vocab, FLOW_STEPS, FLOW_BATCH);
    }

    private String report(RunConfig c, TrainingRun.Result r, TrainedModel saved, GradientFlow.Measured measuredBefore,
            GradientFlow.Measured measuredAfter, Map<Double, String> samples) throws IOException {
        GradientFlow before = measuredBefore.flow();
        GradientFlow after = measuredAfter.flow();
        MetricsHistory h = MetricsHistory.read(out.resolve("model"));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("corpus", TextCorpus.DEFAULT_NAME + ", last 5% for validation");
        conf.put("model", "embedding 64 → LSTM " + c.model().hidden() + " → linear → softmax over " + saved.vocabulary().get().size() + " symbols"
                + regularization(c.model().regularization()));
        conf.put("training", "BPTT over " + c.plan().sequenceLength() + " steps, batch " + c.plan().batch() + ", Adam lr "
                + c.plan().schedule().at(0) + ", clip norm " + c.plan().clipping().maxNorm().orElse(0) + ", " + c.plan().budget().minutes() + " min budget");
        conf.put("result", String.format(Locale.ROOT, "%d updates, %,d characters, %s; last validation %.3f bits/char", r.steps(), r.tokens(),
                TerminalProgress.duration(r.seconds()), r.validation().orElse(Double.NaN)));
        conf.put("kept", r.best().map(b -> String.format(Locale.ROOT, "the best validation, %.3f bits/char at update %d (best.safetensors); "
                + "the drawings and samples are of it", b.value(), b.step())).orElse("the last checkpoint (no validation yet)"));
        conf.put("kernels", "GEMM: " + dev.unfold.kernel.Gemm.backends().active().name());
        double[] bounds = HeatMap.bounds(List.of(before.gradientNorms(), after.gradientNorms()));
        double[] jbounds = HeatMap.bounds(List.of(before.jacobianNorms(), after.jacobianNorms()));
        String flowHtml = "<p>Over " + FLOW_STEPS + " validation characters, loss on every step. ||dL/dh<sub>t</sub>|| is the gradient reaching"
                + " the state at step t through all later steps; ||dh<sub>T</sub>/dh<sub>t</sub>|| the size of the Jacobian product from step t to the"
                + " last (estimated with random probes). Shared log color scales.</p>"
                + HeatMap.svg(before.gradientNorms(), bounds, "||dL/dh_t||, initial weights")
                + HeatMap.svg(after.gradientNorms(), bounds, "||dL/dh_t||, trained weights")
                + HeatMap.svg(before.jacobianNorms(), jbounds, "||dh_T/dh_t||, initial weights")
                + HeatMap.svg(after.jacobianNorms(), jbounds, "||dh_T/dh_t||, trained weights");
        StringBuilder sampleHtml = new StringBuilder();
        samples.forEach((t, s) -> sampleHtml.append("<h3>temperature ").append(t).append("</h3><pre>").append(HtmlPage.escape(s)).append("</pre>"));
        Annotations a = new Annotations("Values and gradients of the trained model on " + FLOW_STEPS + " validation characters.",
                after.states(), after.gradientNorms(), after.jacobianNorms(), after.stats());
        return new HtmlPage("Unfold demo: a character LSTM on the King James text")
                .section("Configuration", HtmlPage.table(conf))
                .section("Training and validation", LossCharts.of(h, LossCharts.Axis.UPDATES).svg() + LossCharts.of(h, LossCharts.Axis.SECONDS).svg())
                .graph(UnfoldedView.of(measuredAfter.graph()), Detail.STEP, a)
                .section("Gradient flow over time, before and after training", flowHtml)
                .section("Samples", sampleHtml.toString())
                .render();
    }
}
