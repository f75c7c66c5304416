package dev.unfold.cli;

import dev.unfold.store.Checkpointing;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --checkpoint best|last} and {@code --allow-non-finite}: which of a run folder's checkpoints a command reads, and whether its weights may hold NaN or infinite values. */
final class CheckpointOptions {
    @Option(names = "--checkpoint", defaultValue = "best", converter = ModelFolder.WhichName.class,
            description = "Which of the run's checkpoints: best (its best validation; the last while it has none) or last (default: ${DEFAULT-VALUE}).")
    Checkpointing.Choice checkpoint;

    @Option(names = "--allow-non-finite", description = "Load a model whose weights hold NaN or infinite values (refused otherwise).")
    boolean allowNonFinite;

    /** The model in {@code dir}, from the checkpoint asked for. */
    ModelFolder load(Path dir) throws IOException {
        return ModelFolder.load(dir, checkpoint, allowNonFinite);
    }
}
