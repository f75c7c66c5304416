package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input of every kind: one line naming the problem on stderr, exit code 2, nothing else touched. */
class BadInputTest {
    @TempDir
    Path tmp;
    Path lstmWeights;
    Path lstmInput;

    @BeforeEach
    void fixtures() throws URISyntaxException {
        Path dir = Path.of(getClass().getResource("/parity/lstm_l2").toURI());
        lstmWeights = dir.resolve("weights.safetensors");
        lstmInput = dir.resolve("input.safetensors");
    }

    @Test
    void unknownCell() {
        assertBadInput(CliRun.of("gradcheck", "--cell", "elman"), "unknown cell 'elman'");
        assertBadInput(CliRun.of("show", "--cell", "lstmx"), "known cells: rnn_tanh, rnn_relu, lstm, gru, jordan");
    }

    @Test
    void unknownFlagAndCommand() {
        assertBadInput(CliRun.of("gradcheck", "--cell", "gru", "--frobnicate"), "Unknown option: '--frobnicate'");
        assertBadInput(CliRun.of("bogus"), "Unmatched argument");
    }

    @Test
    void stepsOutOfRange() {
        assertBadInput(CliRun.of("show", "--cell", "lstm", "--steps", "0"), "--steps must be between 1 and");
        assertBadInput(CliRun.of("gradcheck", "--cell", "lstm", "--steps", "-3"), "--steps must be between 1 and");
        assertBadInput(CliRun.of("gradcheck", "--cell", "lstm", "--hidden", "0"), "--hidden must be between 1 and");
    }

    @Test
    void malformedWeightsFile() throws IOException {
        Path bad = tmp.resolve("short.safetensors");
        Files.write(bad, new byte[] {9, 9});
        assertBadInput(forward("lstm", "2", bad, lstmInput), "shorter than the 8-byte header length");
        assertBadInput(forward("lstm", "2", tmp.resolve("missing.safetensors"), lstmInput), "no such file");
    }

    @Test
    void cellMismatchNamesTheTensorAndBothShapes() {
        assertBadInput(forward("gru", "2", lstmWeights, lstmInput), "weight_ih_l0: expected shape [18, 4]");
        assertBadInput(forward("gru", "2", lstmWeights, lstmInput), "got [24, 4] (these look like lstm weights)");
    }

    @Test
    void layerMismatch() {
        assertBadInput(forward("lstm", "1", lstmWeights, lstmInput), "unexpected tensor 'weight_ih_l1'");
        assertBadInput(forward("lstm", "3", lstmWeights, lstmInput), "missing tensor 'weight_ih_l2'");
    }

    @Test
    void wrongShapesAndTensorsInTheInput() throws IOException {
        Map<String, Tensor> x = new LinkedHashMap<>(SafeTensors.read(lstmInput));
        x.put("input", Tensor.zeros(DType.F32, Shape.of(5, 3, 7)));
        assertBadInput(forward("lstm", "2", lstmWeights, write("wide.safetensors", x)), "input: expected shape [T, B, 4], got [5, 3, 7]");

        x = new LinkedHashMap<>(SafeTensors.read(lstmInput));
        x.put("h0", Tensor.zeros(DType.F32, Shape.of(1, 3, 6)));
        assertBadInput(forward("lstm", "2", lstmWeights, write("h0.safetensors", x)), "h0: expected shape [2, 3, 6], got [1, 3, 6]");

        x = new LinkedHashMap<>(SafeTensors.read(lstmInput));
        x.put("hidden", Tensor.zeros(DType.F32, Shape.of(1)));
        assertBadInput(forward("lstm", "2", lstmWeights, write("extra.safetensors", x)), "unexpected tensor 'hidden'");

        x = new LinkedHashMap<>(SafeTensors.read(lstmInput));
        x.remove("input");
        assertBadInput(forward("lstm", "2", lstmWeights, write("none.safetensors", x)), "missing tensor 'input'");
    }

    @Test
    void unwritableOutputKeepsNothingHalfWritten() {
        CliRun run = CliRun.of("forward", "--cell", "lstm", "--layers", "2", "--weights", lstmWeights.toString(),
                "--input", lstmInput.toString(), "--out", tmp.resolve("no/such/dir/y.safetensors").toString());
        assertBadInput(run, "does not exist");
    }

    @Test
    void helpAndVersionSucceed() {
        assertEquals(0, CliRun.of("--help").exitCode());
        assertEquals(0, CliRun.of("forward", "--help").exitCode());
        assertTrue(CliRun.of("--version").out().contains("unfold"));
    }

    private CliRun forward(String cell, String layers, Path weights, Path input) {
        return CliRun.of("forward", "--cell", cell, "--layers", layers, "--weights", weights.toString(),
                "--input", input.toString(), "--out", tmp.resolve("y.safetensors").toString());
    }

    private Path write(String name, Map<String, Tensor> tensors) throws IOException {
        Path p = tmp.resolve(name);
        SafeTensors.write(p, tensors);
        return p;
    }

    private void assertBadInput(CliRun run, String message) {
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), "exit code; stderr: " + run.err());
        assertTrue(run.err().contains(message), "stderr should contain '" + message + "': " + run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(tmp.resolve("y.safetensors")), "no output is written on bad input");
    }
}
