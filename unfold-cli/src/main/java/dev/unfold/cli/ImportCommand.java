package dev.unfold.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.unfold.io.InputFiles;
import dev.unfold.io.SafeTensors;
import dev.unfold.nn.CellType;
import dev.unfold.run.TrainingRun;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.TorchCharacterModel;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold import}: a PyTorch character model into a model folder. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Turn a PyTorch character model into a model folder that sample, eval and show read.",
            "The state dict (safetensors) holds an optional nn.Embedding, one nn.RNN, nn.LSTM or nn.GRU of any depth and direction",
            "and an nn.Linear decoder, under any attribute names; vocab.json lists the characters in index order."})
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--torch", required = true, description = "safetensors file with the PyTorch state dict.")
    Path torch;

    @Option(names = "--vocab", required = true, description = "JSON list of the model's characters, in index order.")
    Path vocab;

    @Option(names = "--out", required = true, description = "Model folder to write.")
    Path out;

    @Option(names = "--cell", converter = Choices.Cell.class, description = "rnn_tanh or rnn_relu for an nn.RNN (its weights cannot tell); checked against the weights otherwise.")
    CellType cell;

    @Option(names = "--force", description = "Replace the model or run the folder holds.")
    boolean force;

    @Option(names = "--allow-non-finite", description = "Import weights that hold NaN or infinite values (refused otherwise).")
    boolean allowNonFinite;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!force && (Files.exists(out.resolve(Checkpointing.FILE)) || TrainingRun.holdsRun(out))) {
            throw new IllegalArgumentException(out + " holds a model already; replace it with --force");
        }
        Map<String, Tensor> state = SafeTensors.read(torch);
        if (!allowNonFinite) {
            ForwardCommand.requireFinite(torch, state);
        }
        List<String> characters = characters(vocab);
        TrainedModel model;
        try {
            model = TorchCharacterModel.of(state, characters, Optional.ofNullable(cell));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(torch + " with " + vocab.getFileName() + ": " + e.getMessage(), e);
        }
        model.save(out);
        spec.commandLine().getOut().printf("wrote %s: %s, %d characters%n", out.resolve(Checkpointing.FILE), model.model().spec().rnn().cell().id(),
                characters.size());
        return 0;
    }

    private static List<String> characters(Path file) throws IOException {
        byte[] bytes = InputFiles.read(file, "vocabulary", InputFiles.MAX_TEXT_BYTES, 4);
        JsonElement root;
        try {
            root = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonParseException e) {
            throw new IOException(file + ": not valid JSON; expected a list of characters such as [\"a\", \"b\"]");
        }
        if (!root.isJsonArray()) {
            throw new IOException(file + ": expected a JSON list of characters such as [\"a\", \"b\"]");
        }
        JsonArray a = root.getAsJsonArray();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonElement e = a.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw new IOException(file + ": entry " + i + " is not a string");
            }
            out.add(e.getAsString());
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": lists no characters");
        }
        return out;
    }
}
