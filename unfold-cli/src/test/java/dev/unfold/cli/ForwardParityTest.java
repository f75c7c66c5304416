package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code unfold forward} against PyTorch: outputs, final states and BPTT gradients of every fixture made
 * by {@code tools/fixtures/make_parity_fixtures.py} agree to {@link #TOLERANCE}.
 */
class ForwardParityTest {
    /** Largest accepted error {@code |a - b| / max(1, |b|)} against PyTorch's float32 results. */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    static Stream<Path> cases() throws IOException, URISyntaxException {
        Path root = Path.of(ForwardParityTest.class.getResource("/parity").toURI());
        try (Stream<Path> s = Files.list(root)) {
            List<Path> dirs = s.filter(Files::isDirectory).sorted().toList();
            assertTrue(dirs.size() >= 10, "parity fixtures are missing");
            return dirs.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesPyTorch(Path fixture) throws IOException {
        Path out = tmp.resolve("y.safetensors");
        List<String> args = new ArrayList<>(List.of("forward"));
        args.addAll(Arrays.asList(Files.readString(fixture.resolve("args.txt")).trim().split("\\s+")));
        args.addAll(List.of("--weights", fixture.resolve("weights.safetensors").toString(),
                "--input", fixture.resolve("input.safetensors").toString(), "--out", out.toString()));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());

        Map<String, Tensor> expected = SafeTensors.read(fixture.resolve("expected.safetensors"));
        Map<String, Tensor> actual = SafeTensors.read(out);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertTrue(a != null, "missing " + e.getKey() + " in " + actual.keySet());
            double err = TensorFormat.maxMixedError(a, e.getValue());
            assertTrue(err <= TOLERANCE, e.getKey() + ": error " + err + " against PyTorch");
        }
        boolean probed = SafeTensors.read(fixture.resolve("input.safetensors")).containsKey("R");
        assertEquals(probed, actual.keySet().stream().anyMatch(k -> k.startsWith("grad.")));
    }
}
