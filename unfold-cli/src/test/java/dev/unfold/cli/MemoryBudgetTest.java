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
