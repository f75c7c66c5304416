package dev.unfold.store;

import dev.unfold.data.DataTables;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.OptimizerState;
import dev.unfold.train.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model with its weights: what training gives and what {@code sample}, {@code eval}, {@code show} and the
 * library read back from a folder. A character model carries its vocabulary; a model from a run folder also
 * carries the run's configuration and the update it was saved at.
 */
public record TrainedModel(SequenceModel model, Weights weights, Optional<Vocabulary> vocabulary, Optional<RunConfig> run, long step,
        Optional<DataTables> tables) {
    /** A model that reads a text or a generated task. */
    public TrainedModel(SequenceModel model, Weights weights, Optional<Vocabulary> vocabulary, Optional<RunConfig> run, long step) {
        this(model, weights, vocabulary, run, step, Optional.empty());
    }

    public TrainedModel {
        if (!weights.parameters().equals(model.parameters())) {
            throw new IllegalArgumentException("the weights are not those of the model's parameters");
        }
    }

    /** A model trained outside a run folder. */
    public static TrainedModel of(SequenceModel model, Weights weights, Optional<Vocabulary> vocabulary) {
        return new TrainedModel(model, weights, vocabulary, Optional.empty(), 0);
    }

    /** Writes the model into folder {@code dir} (created if needed) as {@code checkpoint.safetensors}. */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Manifest m = new Manifest(model.spec(), vocabulary.map(Vocabulary::symbols), run,
                new Manifest.Counters(step, 0, 0, 0, 0, "none", 0, 0), Optional.empty(), tables);
        Checkpointing.save(dir, m, weights, new OptimizerState("none", 0, Map.of()), Map.of());
    }

    /** The model in folder {@code dir} (its best checkpoint, when it has one), checked; problems are {@link IOException}s naming the file. */
    public static TrainedModel load(Path dir) throws IOException {
        return load(dir, Checkpointing.Choice.BEST, false);
    }

    /** The model of checkpoint {@code choice} in {@code dir}, accepting weights that hold NaN or infinite values when {@code allowNonFinite}. */
    public static TrainedModel load(Path dir, Checkpointing.Choice choice, boolean allowNonFinite) throws IOException {
        Checkpointing.Checkpoint c = Checkpointing.load(dir, choice, allowNonFinite);
        return new TrainedModel(c.model(), c.weights(), c.vocabulary(), c.manifest().run(), c.manifest().counters().step(), c.manifest().tables());
    }

    /** The vocabulary's symbols, or none. */
    public List<String> symbols() {
        return vocabulary.map(Vocabulary::symbols).orElse(List.of());
    }
}
