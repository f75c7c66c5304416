package dev.unfold.cli;

import dev.unfold.eval.Sampler;
import dev.unfold.window.MemoryEstimate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold sample}: generate text from a trained character model. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Generate text from a character model trained with 'unfold train'.")
final class SampleCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Run folder with a checkpoint.")
    Path model;

    @Option(names = "--length", defaultValue = "500", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", defaultValue = "0.8", description = "Softmax temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Draw only from the K likeliest characters (0: all).")
    int topK;

    @Option(names = "--prime", defaultValue = "", description = "Text fed to the model before sampling.")
    String prime;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Limits.range("--length", length, 0, 10_000_000);
        Limits.positive("--temperature", temperature);
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be 0 (all) or positive, got " + topK);
        }
        ModelFolder folder = checkpoints.load(model);
        if (!folder.isCharacterModel()) {
            throw new IllegalArgumentException(model + " holds a model for the " + folder.taskName() + " task, not a character model");
        }
        MemoryEstimate.inference(folder.trained().model().spec(), 1, 1).requireFits("sampling from " + model);
        String text = Sampler.of(folder.trained()).sample(prime, length, new Sampler.Sampling(temperature, topK, seed));
        spec.commandLine().getOut().println(prime + text);
        return 0;
    }
}
