package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.nn.Parameter;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.TensorFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --memory-budget}: the run says its plan, trains to the parameters full BPTT gives (float32, to 1e-5
 * after a few updates of Adam), resumes bit for bit, and a budget that holds the whole window runs full BPTT,
 * bit for bit the same as no budget.
 */
class MemoryBudgetTest {
    @TempDir
    Path tmp;

    private CliRun train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--task", "adding", "--length", "40", "--cell", "lstm", "--hidden", "8", "--batch", "4",
                "--eval-every", "0", "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    @Test
    void boundedRunsTrainAsFullBpttDoesAndResumeBitForBit() throws IOException {
        train(tmp.resolve("full"), "--steps", "6");
        CliRun bounded = train(tmp.resolve("bounded"), "--steps", "6", "--memory-budget", "600K");
        assertTrue(bounded.err().contains("memory budget 600.0 KiB: units of"), bounded.err());
        assertClose(tmp.resolve("full"), tmp.resolve("bounded"), 1e-5);

        train(tmp.resolve("halves"), "--steps", "3", "--memory-budget", "600K");
        CliRun other = CliRun.of("train", "--task", "adding", "--length", "40", "--cell", "lstm", "--hidden", "8", "--batch", "4", "--eval-every", "0",
                "--out", tmp.resolve("halves").toString(), "--steps", "6", "--resume", "--memory-budget", "1M");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("--memory-budget 1M (the run has 614400)"), other.err());
        train(tmp.resolve("halves"), "--steps", "6", "--resume", "--memory-budget", "600K");
        assertClose(tmp.resolve("bounded"), tmp.resolve("halves"), 0);
    }

    @Test
    void aBudgetThatHoldsTheWindowRunsFullBptt() throws IOException {
        train(tmp.resolve("plain"), "--steps", "3");
        CliRun r = train(tmp.resolve("roomy"), "--steps", "3", "--memory-budget", "1G");
        assertTrue(r.err().contains("it holds full BPTT over 40 steps"), r.err());
        assertClose(tmp.resolve("plain"), tmp.resolve("roomy"), 0);
    }

    @Test
    void aStackedBidirectionalLabellerUnderABudgetTrainsAsFullBpttDoes() throws IOException {
        Path data = tmp.resolve("label.jsonl");
        StringBuilder lines = new StringBuilder();
        dev.unfold.tensor.Rng rng = new dev.unfold.tensor.Rng(3);
        for (int i = 0; i < 24; i++) {
            int n = 12 + rng.nextInt(20);
            List<String> tokens = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                tokens.add("\"" + "abcd".charAt(rng.nextInt(4)) + "\"");
            }
            for (int t = 0; t < n; t++) {
                labels.add(t + 1 < n && tokens.get(t + 1).equals(tokens.get(t)) ? "\"before-same\"" : "\"other\"");
            }
            lines.append("{\"tokens\": [").append(String.join(", ", tokens)).append("], \"labels\": [").append(String.join(", ", labels)).append("]}\n");
        }
        Files.writeString(data, lines);
        List<String> common = List.of("train", "--data", data.toString(), "--task", "label", "--bidirectional", "--layers", "2", "--cell", "gru",
                "--hidden", "8", "--batch", "4", "--steps", "6", "--eval-every", "0", "--dropout", "0.2");
        assertSweptRunTrainsAsFullBptt(common, "400K");
    }

    @Test
    void aBidirectionalClassifierUnderABudgetTrainsAsFullBpttDoes() throws IOException {
        Path data = tmp.resolve("classify.jsonl");
        StringBuilder lines = new StringBuilder();
        dev.unfold.tensor.Rng rng = new dev.unfold.tensor.Rng(5);
        for (int i = 0; i < 24; i++) {
            int n = 10 + rng.nextInt(30);
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < n; t++) {
                text.append("abcd".charAt(rng.nextInt(4)));
            }
            lines.append("{\"text\": \"").append(text).append("\", \"label\": \"").append(text.charAt(0) == text.charAt(n - 1) ? "ends" : "not")
                    .append("\"}\n");
        }
        Files.writeString(data, lines);
        List<String> common = List.of("train", "--data", data.toString(), "--task", "classify", "--bidirectional", "--layers", "2", "--cell", "lstm",
                "--hidden", "8", "--batch", "4", "--steps", "6", "--eval-every", "0", "--dropout", "0.2");
        assertSweptRunTrainsAsFullBptt(common, "500K");
    }

    /** {@code common} trained with full BPTT and within {@code budget} by sweeps: the same parameters to 1e-5. */
    private void assertSweptRunTrainsAsFullBptt(List<String> common, String budget) throws IOException {
        List<String> full = new ArrayList<>(common);
        full.addAll(List.of("--out", tmp.resolve("full").toString()));
        assertEquals(0, CliRun.of(full.toArray(String[]::new)).exitCode());
        List<String> bounded = new ArrayList<>(common);
        bounded.addAll(List.of("--out", tmp.resolve("bounded").toString(), "--memory-budget", budget));
        CliRun r = CliRun.of(bounded.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("found by sweeps both ways"), r.err());
        assertClose(tmp.resolve("full"), tmp.resolve("bounded"), 1e-5);
    }

    @Test
    void showDrawsTheSweepsOfABidirectionalPlan() throws IOException {
        CliRun text = CliRun.of("show", "--cell", "lstm", "--hidden", "32", "--layers", "2", "--bidirectional", "--batch", "8", "--steps", "60",
                "--memory-budget", "1200K");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("units of 3 steps, the states and gradients of 21 boundaries stored"), text.out());
        assertTrue(text.out().contains("states    right to left units 19 to 0: l0_reverse, l1_reverse"), text.out());
        assertTrue(text.out().contains("gradients left to right units 0 to 19: l1_reverse, l0_reverse"), text.out());
        Path svg = tmp.resolve("plan.svg");
        assertEquals(0, CliRun.of("show", "--cell", "lstm", "--hidden", "32", "--layers", "2", "--bidirectional", "--batch", "8", "--steps", "60",
                "--memory-budget", "1200K", "--format", "svg", "--out", svg.toString()).exitCode());
        String drawn = Files.readString(svg);
        assertEquals(3 * 20, drawn.split("class=\"adjoint\"", -1).length - 1, "three sweeps of gradients over 20 units");
        assertEquals(3 * 20, drawn.split("class=\"advance\"", -1).length - 1, "three sweeps of states over 20 units");
    }

    private static void assertClose(Path a, Path b, double tolerance) throws IOException {
        TrainedModel x = TrainedModel.load(a, dev.unfold.store.Checkpointing.Choice.LAST, false);
        TrainedModel y = TrainedModel.load(b, dev.unfold.store.Checkpointing.Choice.LAST, false);
        assertTrue(Files.exists(a.resolve("checkpoint.safetensors")));
        for (Parameter p : x.model().parameters()) {
            if (tolerance == 0) {
                assertArrayEquals(x.weights().get(p).f32(), y.weights().get(p).f32(), p.name() + " bit for bit");
            } else {
                double e = TensorFormat.relativeError(y.weights().get(p), x.weights().get(p));
                assertTrue(e <= tolerance, p.name() + " differs by " + e);
            }
        }
    }
}
