package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code unfold import} of PyTorch character models made by {@code tools/fixtures/make_torch_char_models.py}: an LSTM
 * with an embedding, a one-hot GRU and a bidirectional ReLU RNN, under their own attribute names. {@code eval}'s
 * bits per character on the text equals PyTorch's own figure to 1e-5, and bad state dicts are named.
 */
class TorchImportTest {
    @TempDir
    Path tmp;

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(TorchImportTest.class.getResource("/torch-import").toURI());
        try (Stream<Path> s = Files.list(root)) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            assertEquals(3, dirs.size(), "import fixtures are missing");
            return dirs.stream();
        }
    }

    /** {@code unfold import} of a fixture, with its own flags, into {@code model}. */
    static Path imported(Path fixture, Path model) throws IOException {
        List<String> args = new ArrayList<>(List.of("import", "--torch", fixture.resolve("state.safetensors").toString(), "--vocab",
                fixture.resolve("vocab.json").toString(), "--out", model.toString()));
        String flags = Files.readString(fixture.resolve("args.txt")).trim();
        if (!flags.isEmpty()) {
            args.addAll(Arrays.asList(flags.split("\\s+")));
        }
        CliRun imported = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, imported.exitCode(), imported.err());
        return model;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void evalMatchesPyTorchsBitsPerCharacter(Path fixture) throws IOException {
        Path model = imported(fixture, tmp.resolve("model"));
        CliRun eval = CliRun.of("eval", "--model", model.toString(), "--text", fixture.resolve("text.txt").toString());
        assertEquals(0, eval.exitCode(), eval.err());
        String last = eval.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        double bits = Double.parseDouble(last.substring("bits_per_char=".length()));
        double expected = Double.parseDouble(Files.readString(fixture.resolve("expected.txt")).trim());
        assertEquals(expected, bits, 1e-5, "against PyTorch: " + eval.out());
        CliRun sample = CliRun.of("sample", "--model", model.toString(), "--length", "40", "--prime", "And");
        assertEquals(0, sample.exitCode(), sample.err());
        assertTrue(!sample.out().contains("\uFFFD"), "the added unknown symbol is never sampled: " + sample.out());
    }

    @Test
    void badStateDictsAreNamed() throws IOException, URISyntaxException {
        Path fixture = Path.of(TorchImportTest.class.getResource("/torch-import/lstm_embedded_l2").toURI());
        Map<String, Tensor> state = new LinkedHashMap<>(SafeTensors.read(fixture.resolve("state.safetensors")));
        Path vocab = fixture.resolve("vocab.json");

        Map<String, Tensor> missing = new LinkedHashMap<>(state);
        missing.remove("core.bias_hh_l1");
        assertBad(write("missing", missing), vocab, "missing tensor 'bias_hh_l1'");
        Map<String, Tensor> extra = new LinkedHashMap<>(state);
        extra.put("dropout.weight", Tensor.zeros(DType.F32, Shape.of(3)));
        assertBad(write("extra", extra), vocab, "unexpected tensor 'dropout.weight' [3]");
        Map<String, Tensor> misshapen = new LinkedHashMap<>(state);
        misshapen.put("core.weight_hh_l1", Tensor.zeros(DType.F32, Shape.of(64, 15)));
        assertBad(write("misshapen", misshapen), vocab, "weight_hh_l1");
        Path shortVocab = tmp.resolve("short.json");
        Files.writeString(shortVocab, "[\"a\", \"b\"]");
        assertBad(fixture.resolve("state.safetensors"), shortVocab, "the vocabulary has 2 characters, and the decoder 'head.weight' [22, 16]");
        Path twice = tmp.resolve("twice.json");
        String all = Files.readString(vocab);
        Files.writeString(twice, all.substring(0, all.lastIndexOf(',')) + ", \"A\"]");
        assertBad(fixture.resolve("state.safetensors"), twice, "lists 'A' twice");
        CliRun cell = CliRun.of("import", "--torch", fixture.resolve("state.safetensors").toString(), "--vocab", vocab.toString(), "--out",
                tmp.resolve("m-cell").toString(), "--cell", "gru");
        assertEquals(2, cell.exitCode());
        assertTrue(cell.err().contains("the weights are those of lstm (4 gate blocks), not of gru"), cell.err());
    }

    private Path write(String name, Map<String, Tensor> state) throws IOException {
        Path f = tmp.resolve(name + ".safetensors");
        SafeTensors.write(f, state);
        return f;
    }

    private void assertBad(Path state, Path vocab, String message) {
        Path out = tmp.resolve("m-" + state.getFileName() + "-" + vocab.getFileName());
        CliRun run = CliRun.of("import", "--torch", state.toString(), "--vocab", vocab.toString(), "--out", out.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(Files.notExists(out.resolve("checkpoint.safetensors")));
    }
}
