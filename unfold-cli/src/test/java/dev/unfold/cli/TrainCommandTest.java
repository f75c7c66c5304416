package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train}, {@code sample} and {@code eval} end to end on a small text, and their answers to bad input. */
class TrainCommandTest {
    @TempDir
    Path tmp;
    Path text;

    @BeforeEach
    void corpus() throws IOException {
        text = tmp.resolve("text.txt");
        Files.writeString(text, "And God said, Let there be light: and there was light.\n".repeat(60));
    }

    private String[] small(Path out, String... more) {
        String[] base = {"train", "--text", text.toString(), "--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "4",
            "--steps", "6", "--log-every", "2", "--out", out.toString()};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void trainSampleEval() throws IOException {
        Path out = tmp.resolve("run");
        CliRun train = CliRun.of(small(out));
        assertEquals(0, train.exitCode(), train.err());
        assertTrue(train.out().contains("finished after 6 updates"), train.out());
        assertTrue(Files.readAllLines(out.resolve("metrics.jsonl")).size() >= 3);

        CliRun sample = CliRun.of("sample", "--model", out.toString(), "--length", "40", "--prime", "And ", "--seed", "3");
        assertEquals(0, sample.exitCode(), sample.err());
        assertTrue(sample.out().startsWith("And "), sample.out());
        assertEquals(sample.out(), CliRun.of("sample", "--model", out.toString(), "--length", "40", "--prime", "And ", "--seed", "3").out(),
                "same seed, same sample");

        Path other = tmp.resolve("other.txt");
        Files.writeString(other, "Light & darkness: 42 zebras.\n");
        Path drawing = tmp.resolve("trained.html");
        CliRun show = CliRun.of("show", "--model", out.toString(), "--steps", "5", "--format", "html", "--out", drawing.toString());
        assertEquals(0, show.exitCode(), show.err());
        String html = Files.readString(drawing);
        assertTrue(html.contains("after 6 updates") && html.split("class=\"step\"", -1).length - 1 == 5, "the trained model over 5 steps");

        CliRun eval = CliRun.of("eval", "--model", out.toString(), "--text", other.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        String last = eval.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("bits_per_char=\\d+\\.\\d+"), last);
        assertTrue(eval.out().contains("unknown_chars=5"), eval.out());
    }

    @Test
    void aRunKeepsItsBestAndTheConsumersOfItsFolderReadIt() throws IOException {
        Path train = tmp.resolve("train.txt");
        Path val = tmp.resolve("val.txt");
        Files.writeString(train, "the cat sat on the mat. ".repeat(200));
        Files.writeString(val, "a dog ran to a log! ".repeat(30));
        Path out = tmp.resolve("best");
        CliRun run = CliRun.of("train", "--text", train.toString(), "--val-text", val.toString(), "--hidden", "16", "--embed", "8", "--seq", "16",
                "--batch", "4", "--steps", "400", "--eval-every", "10", "--patience", "3", "--seed", "3", "--dropout", "0.1",
                "--variational-dropout", "0.2", "--zoneout", "0.1", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        java.util.regex.Matcher best = java.util.regex.Pattern.compile("best: .*best\\.safetensors at update (\\d+) \\(bits_per_char ([0-9.]+)\\)")
                .matcher(run.out());
        assertTrue(best.find(), run.out());
        long bestStep = Long.parseLong(best.group(1));
        java.util.regex.Matcher finished = java.util.regex.Pattern.compile("finished after (\\d+) updates").matcher(run.out());
        assertTrue(finished.find(), run.out());
        long last = Long.parseLong(finished.group(1));
        assertEquals(bestStep + 30, last, "patience 3, validating every 10 updates");
        assertTrue(run.out().contains("stopped early: no better validation in 3 validations since update " + bestStep), run.out());

        CliRun evalBest = CliRun.of("eval", "--model", out.toString(), "--text", val.toString());
        assertEquals(0, evalBest.exitCode(), evalBest.err());
        assertTrue(evalBest.out().startsWith("checkpoint=best.safetensors update=" + bestStep + "\n"), evalBest.out());
        assertTrue(evalBest.out().contains("bits_per_char=" + best.group(2).substring(0, 5)), "the validation score again: " + evalBest.out());
        CliRun evalLast = CliRun.of("eval", "--model", out.toString(), "--text", val.toString(), "--checkpoint", "last");
        assertTrue(evalLast.out().startsWith("checkpoint=checkpoint.safetensors update=" + last + "\n"), evalLast.out());
        for (String which : new String[] {"best", "last"}) {
            CliRun sample = CliRun.of("sample", "--model", out.toString(), "--length", "20", "--checkpoint", which);
            assertEquals(0, sample.exitCode(), sample.err());
            CliRun flow = CliRun.of("flow", "--model", out.toString(), "--text", val.toString(), "--steps", "8", "--checkpoint", which);
            assertEquals(0, flow.exitCode(), flow.err());
            CliRun show = CliRun.of("show", "--model", out.toString(), "--steps", "4", "--format", "html", "--checkpoint", which,
                    "--out", tmp.resolve(which + ".html").toString());
            assertEquals(0, show.exitCode(), show.err());
            assertTrue(Files.readString(tmp.resolve(which + ".html")).contains("after " + (which.equals("best") ? bestStep : last) + " updates"));
        }
        assertTrue(!CliRun.of("sample", "--model", out.toString(), "--length", "60", "--seed", "2").out()
                .equals(CliRun.of("sample", "--model", out.toString(), "--length", "60", "--seed", "2", "--checkpoint", "last").out()),
                "two models, two samples");
        CliRun plot = CliRun.of("plot", "--model", out.toString());
        assertEquals(0, plot.exitCode(), plot.err());
        assertTrue(plot.out().contains("marked: best checkpoint, update " + bestStep), plot.out());
        assertTrue(Files.readString(out.resolve("loss.svg")).contains("class=\"kept\""));
        long marked = Files.readAllLines(out.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"best\":1")).count();
        assertTrue(marked >= 1 && Files.readAllLines(out.resolve("metrics.jsonl")).stream()
                .anyMatch(l -> l.startsWith("{\"step\":" + bestStep + ",\"val_bits_per_char\"") && l.contains("\"best\":1")), "the kept update is marked");
    }

    @Test
    void taskTrainingAndEvaluation() {
        Path out = tmp.resolve("adding");
        CliRun train = CliRun.of("train", "--task", "adding", "--length", "10", "--hidden", "6", "--batch", "8", "--steps", "5", "--out", out.toString());
        assertEquals(0, train.exitCode(), train.err());
        CliRun eval = CliRun.of("eval", "--model", out.toString());
        assertEquals(0, eval.exitCode(), eval.err());
        CliRun show = CliRun.of("show", "--model", out.toString(), "--format", "svg");
        assertEquals(0, show.exitCode(), show.err());
        assertEquals(10, show.out().split("class=\"step\"", -1).length - 1, "one column per step of the task");
        assertTrue(eval.out().contains("baseline=0.166667"), eval.out());
        assertTrue(eval.out().strip().lines().reduce((a, b) -> b).orElseThrow().startsWith("mse="), eval.out());
    }

    @Test
    void badText() throws IOException {
        Path empty = tmp.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        assertBad(CliRun.of("train", "--text", empty.toString(), "--steps", "1", "--out", tmp.resolve("a").toString()), "is empty");
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xe9, ' ', 'x'});
        assertBad(CliRun.of("train", "--text", latin1.toString(), "--steps", "1", "--out", tmp.resolve("b").toString()),
                "is not valid UTF-8 (bad byte at offset 3)");
        assertBad(CliRun.of(small(tmp.resolve("c"), "--seq", "5000")), "needs at least");
    }

    @Test
    void flagsOutOfRange() {
        assertBad(CliRun.of(small(tmp.resolve("d"), "--hidden", "0")), "--hidden must be between 1 and");
        assertBad(CliRun.of(small(tmp.resolve("d"), "--lr", "-1")), "--lr must be positive");
        assertBad(CliRun.of(small(tmp.resolve("d"), "--tbptt", "4")), "--tbptt takes k1,k2");
        assertBad(CliRun.of(small(tmp.resolve("d"), "--tbptt", "0,3")), "positive k1 and k2");
        assertBad(CliRun.of(small(tmp.resolve("d"), "--optimizer", "lion")), "unknown optimizer 'lion'");
        assertBad(CliRun.of(small(tmp.resolve("d"), "--schedule", "cosine", "--steps", "0", "--minutes", "1")), "cosine needs --steps");
        assertBad(CliRun.of("train", "--task", "sorting", "--steps", "1", "--out", tmp.resolve("e").toString()), "unknown task 'sorting'");
        assertBad(CliRun.of("train", "--text", text.toString(), "--out", tmp.resolve("f").toString()), "give a budget");
        assertBad(CliRun.of("train", "--text", text.toString(), "--task", "copy", "--steps", "1", "--out", tmp.resolve("g").toString()), "not both");
    }

    @Test
    void damagedCheckpoints() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRun.of(small(out)).exitCode());
        Path ckpt = out.resolve("checkpoint.safetensors");
        byte[] whole = Files.readAllBytes(ckpt);

        Files.write(ckpt, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertBad(CliRun.of(small(out, "--resume")), "checkpoint damaged");
        assertBad(CliRun.of("sample", "--model", out.toString(), "--checkpoint", "last"), "checkpoint damaged");
        assertEquals(0, CliRun.of("sample", "--model", out.toString()).exitCode(), "the best checkpoint is whole");

        SafeTensors.Contents c = SafeTensors.parseContents(whole);
        Map<String, String> meta = new HashMap<>(c.metadata());
        meta.put("unfold.manifest", meta.get("unfold.manifest").replace("\"version\":2", "\"version\":7"));
        SafeTensors.write(ckpt, c.tensors(), meta);
        assertBad(CliRun.of(small(out, "--resume")), "format version 7; this unfold reads version 2");

        Files.write(ckpt, whole);
        Path otherText = tmp.resolve("other.txt");
        assertBad(CliRun.of("train", "--text", otherText.toString(), "--steps", "8", "--out", out.toString(), "--resume"),
                "--resume continues on the checkpoint's text");
        Files.writeString(text, "Quite another text, with other letters: XYZ!\n".repeat(60));
        assertBad(CliRun.of("train", "--steps", "8", "--out", out.toString(), "--resume"), "changed since the run started");

        assertBad(CliRun.of("eval", "--model", tmp.resolve("nothing").toString(), "--text", text.toString()), "holds no checkpoint");
    }

    @Test
    void divergenceExitsNonZeroAndKeepsTheCheckpoint() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRun.of(small(out)).exitCode());
        byte[] good = Files.readAllBytes(out.resolve("checkpoint.safetensors"));
        CliRun run = CliRun.of(small(tmp.resolve("run2"), "--optimizer", "sgd", "--momentum", "0", "--lr", "1e38", "--steps", "50"));
        CliRun resumed = CliRun.of("train", "--text", text.toString(), "--steps", "50", "--out", out.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(run.exitCode() != 0, "diverged run exits non-zero: " + run.out() + run.err());
        assertTrue(run.err().contains("training diverged"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertTrue(good.length > 0);
    }

    @Test
    void divergenceOnResumeLeavesTheCheckpointAsItWas() throws IOException {
        Path out = tmp.resolve("run");
        assertEquals(0, CliRun.of(small(out, "--optimizer", "sgd", "--lr", "0.1")).exitCode());
        byte[] good = Files.readAllBytes(out.resolve("checkpoint.safetensors"));
        Path ckpt = out.resolve("checkpoint.safetensors");
        SafeTensors.Contents c = SafeTensors.parseContents(good);
        Map<String, String> meta = new HashMap<>(c.metadata());
        meta.put("unfold.manifest", meta.get("unfold.manifest").replace("\"lr\":0.1", "\"lr\":1.0E38"));
        SafeTensors.write(ckpt, c.tensors(), meta);
        byte[] before = Files.readAllBytes(ckpt);
        CliRun run = CliRun.of("train", "--steps", "60", "--out", out.toString(), "--resume", "--text", text.toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("the last good checkpoint, of update 6, in"), run.err());
        assertArrayEquals(before, Files.readAllBytes(ckpt));
    }

    private static void assertBad(CliRun run, String message) {
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), "exit code; stderr: " + run.err());
        assertTrue(run.err().contains(message), "stderr should contain '" + message + "': " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
    }
}
