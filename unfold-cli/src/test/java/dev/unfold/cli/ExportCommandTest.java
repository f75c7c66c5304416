package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A PyTorch character model through the whole way: {@code unfold import}, then {@code unfold export} in both forms, then
 * ONNX Runtime on the text: the bits per character computed from ONNX Runtime's logits equal PyTorch's own figure to
 * 1e-5, the final states of both forms agree, and the vocabulary read back from the ONNX metadata is the model's.
 */
class ExportCommandTest {
    static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir
    Path tmp;

    static Stream<Path> fixtures() throws IOException, URISyntaxException {
        return TorchImportTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void importedThenExportedModelsScoreAsPyTorchInOnnxRuntime(Path fixture) throws IOException, OrtException {
        Path model = imported(fixture);
        List<String> chars = strings(Files.readString(fixture.resolve("vocab.json")));
        String text = Files.readString(fixture.resolve("text.txt"), StandardCharsets.UTF_8);
        int steps = text.length() - 1;
        Path standard = tmp.resolve("standard.onnx");
        Path unfolded = tmp.resolve("unfolded.onnx");
        CliRun a = CliRun.of("export", "--model", model.toString(), "--format", "onnx", "--out", standard.toString());
        assertEquals(0, a.exitCode(), a.err());
        assertTrue(a.out().contains("standard form, opset 14"), a.out());
        CliRun b = CliRun.of("export", "--model", model.toString(), "--format", "onnx", "--unfolded", Integer.toString(steps), "--out", unfolded.toString());
        assertEquals(0, b.exitCode(), b.err());
        double expected = Double.parseDouble(Files.readString(fixture.resolve("expected.txt")).trim());
        float[] hStandard = null;
        for (Path file : List.of(standard, unfolded)) {
            try (OrtSession s = ENV.createSession(file.toString(), new OrtSession.SessionOptions())) {
                List<String> symbols = strings(s.getMetadata().getCustomMetadata().get("vocabulary"));
                assertEquals(chars, symbols.subList(1, symbols.size()), "the vocabulary in the metadata, after the unknown symbol");
                long[] ids = new long[steps];
                long[] targets = new long[steps];
                for (int t = 0; t < steps; t++) {
                    ids[t] = symbols.indexOf(String.valueOf(text.charAt(t)));
                    targets[t] = symbols.indexOf(String.valueOf(text.charAt(t + 1)));
                }
                Outputs out = run(s, ids);
                assertEquals(expected, bitsPerChar(out.logits, targets, symbols.size()), 1e-5, file.getFileName() + " against PyTorch's bits per character");
                if (hStandard == null) {
                    hStandard = out.hN;
                } else {
                    for (int i = 0; i < hStandard.length; i++) {
                        assertEquals(hStandard[i], out.hN[i], 1e-5, "h_n of the two forms");
                    }
                }
            }
        }
    }

    @Test
    void theUnfoldedFormIsOneNodeGroupPerStepInPlainOperators() throws IOException, URISyntaxException {
        Path fixture = fixtures().filter(p -> p.getFileName().toString().startsWith("lstm")).findFirst().orElseThrow();
        Path model = imported(fixture);
        Path out = tmp.resolve("u.onnx");
        assertEquals(0, CliRun.of("export", "--model", model.toString(), "--format", "onnx", "--unfolded", "3", "--out", out.toString()).exitCode());
        String bytes = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        for (String op : List.of("MatMul", "Add", "Sigmoid", "Tanh", "Mul", "t0/l0/gates", "t2/l1/h")) {
            assertTrue(bytes.contains(op), op + " in the unfolded graph");
        }
        assertTrue(!bytes.contains("LSTM"), "no LSTM operator in the unfolded form");
    }

    private Path imported(Path fixture) throws IOException {
        return TorchImportTest.imported(fixture, tmp.resolve("model-" + fixture.getFileName()));
    }

    record Outputs(float[] logits, float[] hN) {
    }

    private static Outputs run(OrtSession s, long[] ids) throws OrtException {
        Map<String, ai.onnxruntime.NodeInfo> inputs = s.getInputInfo();
        long[] hShape = ((ai.onnxruntime.TensorInfo) inputs.get("h0").getInfo()).getShape();
        long rows = hShape[0];
        long hidden = hShape[2];
        try (OnnxTensor x = OnnxTensor.createTensor(ENV, LongBuffer.wrap(ids), new long[] {ids.length, 1});
                OnnxTensor h0 = OnnxTensor.createTensor(ENV, FloatBuffer.allocate((int) (rows * hidden)), new long[] {rows, 1, hidden});
                OnnxTensor c0 = OnnxTensor.createTensor(ENV, FloatBuffer.allocate((int) (rows * hidden)), new long[] {rows, 1, hidden})) {
            Map<String, OnnxTensor> feeds = inputs.containsKey("c0") ? Map.of("x", x, "h0", h0, "c0", c0) : Map.of("x", x, "h0", h0);
            try (OrtSession.Result r = s.run(feeds)) {
                return new Outputs(floats(r, "logits"), floats(r, "h_n"));
            }
        }
    }

    private static float[] floats(OrtSession.Result r, String name) {
        FloatBuffer f = ((OnnxTensor) r.get(name).orElseThrow()).getFloatBuffer();
        float[] a = new float[f.remaining()];
        f.get(a);
        return a;
    }

    private static double bitsPerChar(float[] logits, long[] targets, int classes) {
        double nll = 0;
        for (int t = 0; t < targets.length; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[t * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[t * classes + c] - max);
            }
            nll += max + Math.log(sum) - logits[(int) (t * classes + targets[t])];
        }
        return nll / targets.length / Math.log(2);
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        JsonParser.parseString(json).getAsJsonArray().forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
