package dev.unfold.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.unfold.io.SafeTensors;
import dev.unfold.optim.OptimizerState;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint is one safetensors file, {@code checkpoint.safetensors}: parameters under {@code param/},
 * optimizer slots under {@code optim/}, carried states under {@code carry/<step>/}, and a JSON manifest
 * in the metadata (format version, configuration, vocabulary, counters, the episode's generator state).
 * One file written to a temporary name and renamed: a crash at any moment leaves the previous
 * checkpoint whole.
 */
public final class Checkpointing {
    public static final String FILE = "checkpoint.safetensors";
    public static final String FORMAT = "unfold-checkpoint";
    public static final int VERSION = 1;
    private static final String MANIFEST_KEY = "unfold.manifest";
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();

    private Checkpointing() {
    }

    /** What the manifest records besides the tensors. */
    public record Manifest(String format, int version, TrainConfig config, List<String> vocabulary, long step,
            long tokens, long episodeIndex, long episodeSeed, int position, String optimizer, long optimizerSteps,
            double elapsedSeconds) {
    }

    /** A loaded checkpoint. */
    public record Checkpoint(Manifest manifest, TrainingState state) {
    }

    public static void save(Path dir, Manifest manifest, TrainingState state) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        state.params().forEach((k, v) -> tensors.put("param/" + k, v));
        state.optimizer().slots().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> tensors.put("optim/" + e.getKey(), e.getValue()));
        state.carried().forEach((pos, states) -> states.forEach((label, t) -> tensors.put("carry/" + pos + "/" + label, t)));
        SafeTensors.write(dir.resolve(FILE), tensors, Map.of(MANIFEST_KEY, GSON.toJson(manifest)));
    }

    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(FILE));
    }

    /** Loads and checks a checkpoint; every problem is an {@link IOException} naming the file. */
    public static Checkpoint load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(dir + " holds no checkpoint (" + FILE + ")");
        }
        SafeTensors.Contents c;
        try {
            c = SafeTensors.readContents(file);
        } catch (IOException e) {
            throw new IOException("checkpoint is damaged: " + e.getMessage());
        }
        Manifest m = manifest(file, c.metadata());
        Map<String, Tensor> params = new LinkedHashMap<>();
        Map<String, Tensor> slots = new HashMap<>();
        Map<Integer, Map<String, Tensor>> carried = new HashMap<>();
        for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("param/")) {
                params.put(k.substring(6), e.getValue());
            } else if (k.startsWith("optim/")) {
                slots.put(k.substring(6), e.getValue());
            } else if (k.startsWith("carry/")) {
                String[] parts = k.split("/", 3);
                carried.computeIfAbsent(Integer.parseInt(parts[1]), p -> new LinkedHashMap<>()).put(parts[2], e.getValue());
            } else {
                throw new IOException(file + ": unexpected tensor '" + k + "'");
            }
        }
        TrainingState state = new TrainingState(params, new OptimizerState(m.optimizer(), m.optimizerSteps(), slots),
                m.step(), m.tokens(), m.episodeIndex(), m.episodeSeed(), m.position(), carried);
        return new Checkpoint(m, state);
    }

    private static Manifest manifest(Path file, Map<String, String> metadata) throws IOException {
        String json = metadata.get(MANIFEST_KEY);
        if (json == null) {
            throw new IOException(file + " is not an unfold checkpoint (no manifest)");
        }
        Manifest m;
        try {
            m = GSON.fromJson(json, Manifest.class);
        } catch (JsonParseException e) {
            throw new IOException(file + ": manifest is not valid: " + e.getMessage());
        }
        if (m == null || !FORMAT.equals(m.format())) {
            throw new IOException(file + " is not an unfold checkpoint (format '" + (m == null ? null : m.format()) + "')");
        }
        if (m.version() != VERSION) {
            throw new IOException(file + " has checkpoint format version " + m.version() + "; this unfold reads version " + VERSION);
        }
        if (m.config() == null || m.config().model() == null || m.config().data() == null || m.config().schedule() == null
                || m.config().optimization() == null) {
            throw new IOException(file + ": manifest lacks the run's configuration");
        }
        return m;
    }
}
