package dev.unfold.cli;

import dev.unfold.eval.GradientFlow;
import dev.unfold.eval.TaskEvaluation;
import dev.unfold.graph.Role;
import dev.unfold.io.TextCorpus;
import dev.unfold.window.MemoryEstimate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold flow}: per-step gradient norms of a trained model, the numbers behind vanishing gradients. */
@Command(name = "flow", mixinStandardHelpOptions = true,
        description = {"Print the per-step gradient norms ||dL/dh_t|| and ||dh_T/dh_t|| of a trained model.",
            "Task models are measured on fresh test sequences, character models on the first characters of --text FILE."})
final class FlowCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Run folder with a checkpoint.")
    Path model;

    @Option(names = "--text", description = "Text for a character model.")
    Path text;

    @Option(names = "--steps", defaultValue = "64", description = "Steps for a character model (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--every", defaultValue = "1", description = "Print every k-th step (default: ${DEFAULT-VALUE}).")
    int every;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Limits.range("--every", every, 1, 100_000);
        ModelFolder folder = checkpoints.load(model);
        GradientFlow flow;
        if (folder.isCharacterModel()) {
            if (text == null) {
                throw new IllegalArgumentException("a character model needs --text FILE");
            }
            Limits.range("--steps", steps, 1, 10_000);
            MemoryEstimate.interpreted(folder.trained().model().spec().rnn(), 4, steps, 4, true).requireFits("measuring the flow of " + model);
            flow = GradientFlow.onText(folder.trained().model(), folder.trained().weights(), TextCorpus.read(text),
                    folder.trained().vocabulary().orElseThrow(), steps, 4).flow();
        } else {
            if (text != null) {
                throw new IllegalArgumentException(model + " holds a model for the " + folder.taskName() + " task; --text is for character models");
            }
            MemoryEstimate.interpreted(folder.trained().model().spec().rnn(), folder.requireTask().batch(), folder.requireTask().length(), 4, true)
                    .requireFits("measuring the flow of " + model);
            flow = GradientFlow.onTask(folder.trained().model(), folder.trained().weights(), folder.requireTask(), TaskEvaluation.TEST_SEED).flow();
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Map.Entry<Role.Layer, double[]> e : flow.gradientNorms().entrySet()) {
            double[] g = e.getValue();
            double[] j = flow.jacobianNorms().get(e.getKey());
            out.printf("layer %s%n%6s %14s %14s%n", e.getKey().scope(), "t", "|dL/dh_t|", "|dh_T/dh_t|");
            for (int t = 0; t < g.length; t++) {
                if (t % every == 0 || t == g.length - 1) {
                    out.printf(Locale.ROOT, "%6d %14.4e %14.4e%n", t + 1, g[t], j[t]);
                }
            }
        }
        return 0;
    }
}
