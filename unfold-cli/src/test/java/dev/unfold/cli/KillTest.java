package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training killed with SIGKILL at random moments, half of them while a checkpoint is being written: every
 * time, the folder still loads, {@code eval} works on it, and {@code --resume} finishes the run with exactly
 * the losses of a run that was never killed.
 */
class KillTest {
    static final int TRIALS = 10;
    static final int STEPS = 40;

    @TempDir
    Path tmp;

    private String[] train(Path text, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--text", text.toString(), "--hidden", "48", "--embed", "8", "--seq", "16", "--batch", "4",
                "--steps", Integer.toString(STEPS), "--log-every", "1", "--eval-every", "10", "--checkpoint-every", "1", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aKilledRunLoadsEvaluatesAndResumesBitIdentically() throws Exception {
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "In the beginning God created the heaven and the earth. And the earth was without form, and void.\n".repeat(40));
        Path reference = tmp.resolve("reference");
        assertEquals(0, CliRun.of(train(text, reference)).exitCode());
        List<String> expected = losses(reference);
        assertEquals(STEPS, expected.size());
        Random random = new Random(20261201);
        int midWrite = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Path run = tmp.resolve("run" + trial);
            Process p = new ProcessBuilder(command(train(text, run))).redirectErrorStream(true).redirectOutput(tmp.resolve("log" + trial).toFile()).start();
            boolean duringWrite = trial % 2 == 1;
            killWhen(p, run, duringWrite, 300 + random.nextInt(2500));
            boolean tempLeft = temporaries(run) > 0;
            midWrite += tempLeft ? 1 : 0;
            if (!Files.exists(run.resolve("checkpoint.safetensors"))) {
                assertEquals(0, CliRun.of(train(text, run, "--force")).exitCode(), "a run killed before its first checkpoint starts again");
            } else {
                CliRun eval = CliRun.of("eval", "--model", run.toString(), "--text", text.toString());
                assertEquals(0, eval.exitCode(), "trial " + trial + ": the killed run's folder loads: " + eval.err());
                CliRun resume = CliRun.of("train", "--resume", "--out", run.toString());
                assertEquals(0, resume.exitCode(), "trial " + trial + ": " + resume.err());
            }
            assertEquals(expected, losses(run), "trial " + trial + " resumed bit-identically");
            assertEquals(0, temporaries(run), "the next write removed what the killed write left");
        }
        assertTrue(midWrite > 0, "at least one kill interrupted a checkpoint write");
    }

    /** Kills {@code p} after {@code millis}, or, for a kill during a write, as soon as a checkpoint's temporary file is seen. */
    private static void killWhen(Process p, Path run, boolean duringWrite, long millis) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        long giveUp = System.nanoTime() + 20_000_000_000L;
        while (p.isAlive()) {
            if (duringWrite ? temporaries(run) > 0 && System.nanoTime() > deadline : System.nanoTime() > deadline) {
                break;
            }
            if (System.nanoTime() > giveUp) {
                break;
            }
            Thread.sleep(0, 200_000);
        }
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private static long temporaries(Path run) throws IOException {
        if (!Files.isDirectory(run)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    private static List<String> command(String[] args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), UnfoldCommand.class.getName()));
        c.addAll(List.of(args));
        return c;
    }

    private static List<String> losses(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve("metrics.jsonl")).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject())
                .filter(o -> o.has("loss"))
                .map(o -> o.get("step").getAsLong() + ":" + o.get("loss").getAsString()).toList();
    }
}
