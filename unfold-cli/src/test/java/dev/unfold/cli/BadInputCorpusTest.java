package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.unfold.io.SafeTensors;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus: every command, every kind of bad input. Each case names its command, builds its
 * input in a folder of its own, and asserts the exit code, one line on stderr matching a pattern (no stack
 * trace, no control characters), the files that must stay byte for byte as they were, and the outputs that
 * must not appear.
 */
class BadInputCorpusTest {
    private static Path root;
    private static Path text;
    private static Path charRun;
    private static Path taskRun;
    private static Path weights;
    private static Path input;
    private static Path fifo;

    /** One bad input: how to build it in {@code dir}, and what must come of it. */
    record Case(String name, Build build, int exit, String pattern) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Builds a case's files in its own folder and gives its command line. */
    @FunctionalInterface
    interface Build {
        Invocation in(Path dir) throws Exception;
    }

    /** A command line, the files it must leave as they were, the paths it must not create. */
    record Invocation(String[] args, List<Path> unchanged, List<Path> absent) {
        static Invocation of(String... args) {
            return new Invocation(args, List.of(), List.of());
        }

        Invocation keeping(Path... files) {
            List<Path> all = new ArrayList<>(unchanged);
            all.addAll(Arrays.asList(files));
            return new Invocation(args, all, absent);
        }

        Invocation creatingNothingAt(Path... paths) {
            List<Path> all = new ArrayList<>(absent);
            all.addAll(Arrays.asList(paths));
            return new Invocation(args, unchanged, all);
        }
    }

    @BeforeAll
    static void fixtures() throws IOException, URISyntaxException, InterruptedException {
        root = Files.createTempDirectory("unfold-corpus");
        text = root.resolve("text.txt");
        Files.writeString(text, "And God said, Let there be light: and there was light.\n".repeat(60));
        charRun = root.resolve("char-run");
        assertEquals(0, CliRun.of("train", "--text", text.toString(), "--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "4",
                "--steps", "4", "--log-every", "1", "--checkpoint-every", "2", "--out", charRun.toString()).exitCode());
        taskRun = root.resolve("task-run");
        assertEquals(0, CliRun.of("train", "--task", "adding", "--length", "10", "--hidden", "6", "--batch", "8", "--steps", "3",
                "--out", taskRun.toString()).exitCode());
        Path parity = Path.of(BadInputCorpusTest.class.getResource("/parity/lstm_l2").toURI());
        weights = parity.resolve("weights.safetensors");
        input = parity.resolve("input.safetensors");
        fifo = root.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, mk.waitFor(), "mkfifo");
    }

    @AfterAll
    static void removeFixtures() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachBadInputGetsOneClearLineAndLeavesFilesAlone(Case c) throws Exception {
        Path dir = Files.createTempDirectory(root, "case");
        Invocation inv = c.build().in(dir);
        Map<Path, byte[]> before = new LinkedHashMap<>();
        for (Path p : inv.unchanged()) {
            if (Files.isRegularFile(p)) {
                before.put(p, Files.readAllBytes(p));
            }
        }
        CliRun run = CliRun.of(inv.args());
        assertEquals(c.exit(), run.exitCode(), "exit code; stderr: " + run.err() + " stdout: " + run.out());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.startsWith("unfold: error: "), err);
        assertTrue(Pattern.compile(c.pattern()).matcher(err).find(), "stderr should match '" + c.pattern() + "': " + err);
        assertFalse(err.contains("\tat ") || err.contains("Exception") && !err.contains("exception"), "no stack trace or exception name: " + err);
        assertTrue(err.chars().noneMatch(ch -> ch < 0x20 && ch != '\t'), "no control characters: " + err);
        for (Map.Entry<Path, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey() + " must stay as it was");
        }
        for (Path p : inv.absent()) {
            assertFalse(Files.exists(p), p + " must not be written");
        }
    }

    static Stream<Arguments> cases() {
        List<Case> all = new ArrayList<>();
        train(all);
        trainTask(all);
        runFolder(all);
        damagedCheckpoint(all);
        evaluate(all);
        sample(all);
        show(all);
        flow(all);
        plot(all);
        forward(all);
        gradcheck(all);
        bench(all);
        export(all);
        memoryBudget(all);
        spark(all);
        demo(all);
        return all.stream().map(Arguments::of);
    }

    // ---- train on text: flags and files -------------------------------------------------------------

    private static String[] train(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--text", text.toString(), "--hidden", "8", "--embed", "4", "--seq", "8",
                "--batch", "4", "--steps", "2", "--out", out.toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private static void flag(List<Case> all, String name, String pattern, String... more) {
        all.add(new Case("train " + name, d -> Invocation.of(train(d.resolve("run"), more)).creatingNothingAt(d.resolve("run")), 2, pattern));
    }

    private static void train(List<Case> all) {
        all.add(new Case("train --text missing", d -> Invocation.of(train(d.resolve("run"), "--text", d.resolve("none.txt").toString())), 2,
                "none\\.txt: no such file"));
        all.add(new Case("train --text a folder", d -> Invocation.of(train(d.resolve("run"), "--text", d.toString())), 2, "is a folder"));
        all.add(new Case("train --text a FIFO", d -> Invocation.of(train(d.resolve("run"), "--text", fifo.toString())), 2, "not a regular file"));
        all.add(new Case("train --text /dev/zero", d -> Invocation.of(train(d.resolve("run"), "--text", "/dev/zero")), 2, "not a regular file"));
        all.add(new Case("train --text empty", d -> {
            Files.write(d.resolve("e.txt"), new byte[0]);
            return Invocation.of(train(d.resolve("run"), "--text", d.resolve("e.txt").toString()));
        }, 2, "e\\.txt is empty"));
        all.add(new Case("train --text latin-1", d -> {
            Files.write(d.resolve("l.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, ' ', 'x'});
            return Invocation.of(train(d.resolve("run"), "--text", d.resolve("l.txt").toString()));
        }, 2, "l\\.txt is not valid UTF-8 \\(bad byte at offset 3\\)"));
        flag(all, "--seq 5000 on a short text", "needs at least", "--seq", "5000");
        flag(all, "--hidden 0", "--hidden must be between 1 and 8192, got 0", "--hidden", "0");
        flag(all, "--hidden 9000", "--hidden must be between 1 and 8192", "--hidden", "9000");
        flag(all, "--layers 0", "--layers must be between 1 and 16", "--layers", "0");
        flag(all, "--layers 17", "--layers must be between 1 and 16", "--layers", "17");
        flag(all, "--embed -1", "--embed must be between 0 and 4096", "--embed", "-1");
        flag(all, "--embed 5000", "--embed must be between 0 and 4096", "--embed", "5000");
        flag(all, "--seq 0", "--seq must be between 1", "--seq", "0");
        flag(all, "--batch 0", "--batch must be between 1", "--batch", "0");
        flag(all, "--batch 70000", "--batch must be between 1 and 65536", "--batch", "70000");
        flag(all, "--lr 0", "--lr must be positive", "--lr", "0");
        flag(all, "--lr -1", "--lr must be positive", "--lr", "-1");
        flag(all, "--lr NaN", "--lr must be positive, got NaN", "--lr", "NaN");
        flag(all, "--lr Infinity", "--lr must be positive, got Infinity", "--lr", "Infinity");
        flag(all, "--momentum NaN", "--momentum must be a finite number, got NaN", "--momentum", "NaN");
        flag(all, "--momentum 1", "--momentum must be in \\[0, 1\\)", "--momentum", "1");
        flag(all, "--momentum -0.1", "--momentum must be in \\[0, 1\\)", "--momentum", "-0.1");
        flag(all, "--weight-decay NaN", "--weight-decay must be a finite number", "--weight-decay", "NaN");
        flag(all, "--weight-decay -1", "--weight-decay must not be negative", "--weight-decay", "-1");
        flag(all, "--clip-norm NaN", "--clip-norm must be a finite number", "--clip-norm", "NaN");
        flag(all, "--clip-norm -1", "--clip-norm must not be negative", "--clip-norm", "-1");
        flag(all, "--clip-value Infinity", "--clip-value must be a finite number", "--clip-value", "Infinity");
        flag(all, "--decay-gamma NaN", "--decay-gamma must be a finite number", "--decay-gamma", "NaN");
        flag(all, "--minutes NaN", "--minutes must be a finite number", "--minutes", "NaN");
        flag(all, "--minutes -1", "--steps and --minutes must not be negative", "--minutes", "-1");
        flag(all, "--steps -1", "--steps and --minutes must not be negative", "--steps", "-1");
        flag(all, "no budget", "give a budget", "--steps", "0");
        flag(all, "--tbptt 4", "--tbptt takes k1,k2", "--tbptt", "4");
        flag(all, "--tbptt 0,3", "--tbptt needs positive k1 and k2", "--tbptt", "0,3");
        flag(all, "--tbptt a,b", "--tbptt takes k1,k2", "--tbptt", "a,b");
        flag(all, "--tbptt 1,2,3", "--tbptt takes k1,k2", "--tbptt", "1,2,3");
        flag(all, "--optimizer lion", "unknown optimizer 'lion'; known: sgd, nesterov, adagrad, rmsprop, adam, adamw", "--optimizer", "lion");
        flag(all, "--schedule exp", "unknown schedule 'exp'", "--schedule", "exp");
        flag(all, "--init he", "unknown init 'he'", "--init", "he");
        flag(all, "--schedule cosine without --steps", "cosine needs --steps", "--schedule", "cosine", "--steps", "0", "--minutes", "1");
        flag(all, "--warmup past --steps", "--warmup must be at least 0 and less than --steps", "--schedule", "cosine", "--warmup", "5");
        flag(all, "--decay-every 0", "--decay-every must be positive", "--schedule", "step", "--decay-every", "0");
        flag(all, "--val-fraction 0", "--val-fraction must be between 0 and 1", "--val-fraction", "0");
        flag(all, "--val-fraction 1", "--val-fraction must be between 0 and 1", "--val-fraction", "1");
        flag(all, "--val-fraction NaN", "--val-fraction must be between 0 and 1", "--val-fraction", "NaN");
        flag(all, "--text and --task", "give --text or --task, not both", "--task", "copy");
        flag(all, "an unknown flag", "Unknown option: '--frobnicate'", "--frobnicate");
        flag(all, "--log-every 0", "--log-every must be between 1", "--log-every", "0");
        flag(all, "--eval-every -1", "--eval-every must be between 0", "--eval-every", "-1");
        flag(all, "--checkpoint-every -1", "--checkpoint-every must be between 0", "--checkpoint-every", "-1");
        flag(all, "--steps abc", "Invalid value for option '--steps'", "--steps", "abc");
        flag(all, "--optimizer nesterov --momentum 0", "nesterov needs a positive --momentum", "--optimizer", "nesterov", "--momentum", "0");
        flag(all, "--cell elman", "unknown cell 'elman'", "--cell", "elman");
        flag(all, "--resume and --force", "give --resume or --force, not both", "--resume", "--force");
        flag(all, "a model too large for memory", "needs about .* of memory", "--hidden", "8192", "--layers", "16", "--embed", "4096");
        flag(all, "--dropout 1", "--dropout must be a probability in \\[0, 1\\), got 1.0", "--dropout", "1");
        flag(all, "--dropout -0.1", "--dropout must be a probability in \\[0, 1\\), got -0.1", "--dropout", "-0.1");
        flag(all, "--dropout NaN", "--dropout must be a probability in \\[0, 1\\), got NaN", "--dropout", "NaN");
        flag(all, "--variational-dropout 1.5", "--variational-dropout must be a probability in \\[0, 1\\)", "--variational-dropout", "1.5");
        flag(all, "--zoneout 1", "--zoneout must be a probability in \\[0, 1\\)", "--zoneout", "1");
        flag(all, "--zoneout Infinity", "--zoneout must be a probability in \\[0, 1\\)", "--zoneout", "Infinity");
        flag(all, "--patience 0", "--patience must be at least 1 validation, got 0", "--patience", "0");
        flag(all, "--patience -2", "--patience must be at least 1 validation, got -2", "--patience", "-2");
        flag(all, "--patience x", "Invalid value for option '--patience'", "--patience", "x");
        all.add(new Case("train --val-text missing", d -> Invocation.of(train(d.resolve("run"), "--val-text", d.resolve("none.txt").toString()))
                .creatingNothingAt(d.resolve("run")), 2, "none\\.txt: no such file"));
        all.add(new Case("train --val-text empty", d -> {
            Files.write(d.resolve("e.txt"), new byte[0]);
            return Invocation.of(train(d.resolve("run"), "--val-text", d.resolve("e.txt").toString())).creatingNothingAt(d.resolve("run"));
        }, 2, "e\\.txt is empty"));
        all.add(new Case("train --val-text of one character", d -> {
            Files.writeString(d.resolve("one.txt"), "A");
            return Invocation.of(train(d.resolve("run"), "--val-text", d.resolve("one.txt").toString())).creatingNothingAt(d.resolve("run"));
        }, 2, "one\\.txt: too short to validate on"));
        all.add(new Case("train --val-text a folder", d -> Invocation.of(train(d.resolve("run"), "--val-text", d.toString()))
                .creatingNothingAt(d.resolve("run")), 2, "is a folder"));
        all.add(new Case("train --val-text not UTF-8", d -> {
            Files.write(d.resolve("l.txt"), new byte[] {'c', 'a', 'f', (byte) 0xe9, ' ', 'x'});
            return Invocation.of(train(d.resolve("run"), "--val-text", d.resolve("l.txt").toString())).creatingNothingAt(d.resolve("run"));
        }, 2, "l\\.txt is not valid UTF-8"));
        all.add(new Case("train --val-text with --task", d -> Invocation.of("train", "--task", "adding", "--length", "10", "--steps", "1",
                "--val-text", text.toString(), "--out", d.resolve("r").toString()).creatingNothingAt(d.resolve("r")), 2,
                "--val-text validates a text; a task validates on its own test sequences"));
    }

    private static void trainTask(List<Case> all) {
        all.add(new Case("train --task sorting", d -> Invocation.of("train", "--task", "sorting", "--steps", "1", "--out", d.resolve("r").toString())
                .creatingNothingAt(d.resolve("r")), 2, "unknown task 'sorting'; known tasks: adding, copy, parity"));
        all.add(new Case("train --task adding --length 1", d -> Invocation.of("train", "--task", "adding", "--length", "1", "--steps", "1",
                "--out", d.resolve("r").toString()), 2, "--length must be at least 2 for the adding task"));
        all.add(new Case("train --task copy --length 0", d -> Invocation.of("train", "--task", "copy", "--length", "0", "--steps", "1",
                "--out", d.resolve("r").toString()), 2, "--length must be between 1 and 100000"));
        all.add(new Case("train --task parity --length 200000", d -> Invocation.of("train", "--task", "parity", "--length", "200000", "--steps", "1",
                "--out", d.resolve("r").toString()), 2, "--length must be between 1 and 100000"));
        all.add(new Case("train --task with k1 past the episode", d -> Invocation.of("train", "--task", "adding", "--length", "10", "--tbptt", "20,20",
                "--steps", "1", "--out", d.resolve("r").toString()), 2, "longer than the task's 10 steps"));
        all.add(new Case("train --task too large for memory", d -> Invocation.of("train", "--task", "adding", "--length", "100000", "--batch", "65536",
                "--steps", "1", "--out", d.resolve("r").toString()).creatingNothingAt(d.resolve("r").resolve("checkpoint.safetensors")), 2,
                "this training run needs about .* of memory .* are free"));
    }

    // ---- run folders ------------------------------------------------------------------------------------

    /** A copy of the trained character run in the case's folder. */
    private static Path charRunCopy(Path dir) throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run);
        for (String f : new String[] {"checkpoint.safetensors", "metrics.jsonl"}) {
            Files.copy(charRun.resolve(f), run.resolve(f));
        }
        return run;
    }

    /** A copy of the trained character run with its best checkpoint. */
    private static Path charRunCopyWithBest(Path dir) throws IOException {
        Path run = charRunCopy(dir);
        Files.copy(charRun.resolve("best.safetensors"), run.resolve("best.safetensors"));
        return run;
    }

    private static Path taskRunCopy(Path dir) throws IOException {
        Path run = dir.resolve("task");
        Files.createDirectories(run);
        for (String f : new String[] {"checkpoint.safetensors", "metrics.jsonl"}) {
            Files.copy(taskRun.resolve(f), run.resolve(f));
        }
        return run;
    }

    private static void runFolder(List<Case> all) {
        all.add(new Case("train into a folder that holds a run", d -> {
            Path run = charRunCopy(d);
            return Invocation.of(train(run)).keeping(run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, "holds a run already; continue it with --resume, or replace it with --force"));
        all.add(new Case("train --resume in an empty folder", d -> Invocation.of(train(d, "--resume")), 2, "holds no checkpoint"));
        all.add(new Case("train --resume with a contradicting --hidden", d -> {
            Path run = charRunCopy(d);
            return Invocation.of("train", "--resume", "--hidden", "64", "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, "--hidden 64 \\(the run has 8\\) contradicts it"));
        all.add(new Case("train --resume with a contradicting --cell and --batch", d -> {
            Path run = charRunCopy(d);
            return Invocation.of("train", "--resume", "--cell", "gru", "--batch", "16", "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "--cell gru \\(the run has lstm\\), --batch 16 \\(the run has 4\\) contradict it"));
        all.add(new Case("train --resume on another --text", d -> {
            Path run = charRunCopy(d);
            Files.writeString(d.resolve("other.txt"), "something else\n".repeat(100));
            return Invocation.of("train", "--resume", "--text", d.resolve("other.txt").toString(), "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "--resume continues on the checkpoint's text"));
        all.add(new Case("train --resume after the text changed", d -> {
            Path own = d.resolve("t.txt");
            Files.writeString(own, "In the beginning God created the heaven and the earth.\n".repeat(60));
            Path run = d.resolve("run");
            assertEquals(0, CliRun.of("train", "--text", own.toString(), "--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "4",
                    "--steps", "2", "--out", run.toString()).exitCode());
            Files.writeString(own, "In the beginning God created the heaven and the earth!\n".repeat(60));
            return Invocation.of("train", "--resume", "--steps", "4", "--out", run.toString()).keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "t\\.txt changed since the run started"));
        all.add(new Case("train --out is a file", d -> {
            Files.writeString(d.resolve("f"), "x");
            return Invocation.of(train(d.resolve("f"))).keeping(d.resolve("f"));
        }, 2, "not a folder"));
        all.add(new Case("train --resume with a damaged best checkpoint", d -> {
            Path run = charRunCopyWithBest(d);
            editManifest(run, m -> m.getAsJsonObject("best").addProperty("step", 2));
            Path best = run.resolve("best.safetensors");
            byte[] b = Files.readAllBytes(best);
            Files.write(best, Arrays.copyOf(b, b.length / 2));
            return Invocation.of("train", "--resume", "--steps", "8", "--out", run.toString())
                    .keeping(best, run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, "best\\.safetensors: checkpoint damaged"));
        all.add(new Case("train --resume with another run's best checkpoint", d -> {
            Path run = charRunCopyWithBest(d);
            editManifest(run, m -> m.getAsJsonObject("best").addProperty("step", 2));
            return Invocation.of("train", "--resume", "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("best.safetensors"), run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, "best\\.safetensors holds update 4, but the run's best is update 2; move it away to resume"));
        all.add(new Case("train --resume with a contradicting --dropout", d -> {
            Path run = charRunCopy(d);
            return Invocation.of("train", "--resume", "--dropout", "0.2", "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, "--dropout 0.2 \\(the run has 0.0\\) contradicts it"));
        all.add(new Case("train --resume a library model without a run", d -> {
            Path run = charRunCopy(d);
            editManifest(run, m -> m.remove("run"));
            return Invocation.of("train", "--resume", "--steps", "8", "--out", run.toString()).keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "saved without a run configuration"));
    }

    // ---- damaged checkpoints -------------------------------------------------------------------------

    private static void editManifest(Path run, Consumer<JsonObject> edit) throws IOException {
        Path ckpt = run.resolve("checkpoint.safetensors");
        SafeTensors.Contents c = SafeTensors.parseContents(Files.readAllBytes(ckpt));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        JsonObject m = JsonParser.parseString(meta.get("unfold.manifest")).getAsJsonObject();
        edit.accept(m);
        meta.put("unfold.manifest", m.toString());
        SafeTensors.write(ckpt, c.tensors(), meta);
    }

    private static void editTensors(Path run, Consumer<Map<String, Tensor>> edit) throws IOException {
        Path ckpt = run.resolve("checkpoint.safetensors");
        SafeTensors.Contents c = SafeTensors.parseContents(Files.readAllBytes(ckpt));
        Map<String, Tensor> t = new LinkedHashMap<>(c.tensors());
        edit.accept(t);
        SafeTensors.write(ckpt, t, c.metadata());
    }

    private static void damaged(List<Case> all, String name, String pattern, Mutation mutation) {
        damagedForResume(all, name, pattern, mutation);
        all.add(new Case("sample a checkpoint with " + name, d -> {
            Path run = charRunCopy(d);
            mutation.apply(run);
            return Invocation.of("sample", "--model", run.toString(), "--length", "5").keeping(run.resolve("checkpoint.safetensors"));
        }, 2, pattern));
    }

    /** Damage that only a run resuming from the checkpoint meets (what later windows start from). */
    private static void damagedForResume(List<Case> all, String name, String pattern, Mutation mutation) {
        all.add(new Case("resume a checkpoint with " + name, d -> {
            Path run = charRunCopy(d);
            mutation.apply(run);
            return Invocation.of("train", "--resume", "--steps", "8", "--out", run.toString())
                    .keeping(run.resolve("checkpoint.safetensors"), run.resolve("metrics.jsonl"));
        }, 2, pattern));
    }

    @FunctionalInterface
    interface Mutation {
        void apply(Path run) throws IOException;
    }

    private static void damagedCheckpoint(List<Case> all) {
        damaged(all, "half its bytes", "checkpoint damaged", run -> {
            Path ckpt = run.resolve("checkpoint.safetensors");
            byte[] b = Files.readAllBytes(ckpt);
            Files.write(ckpt, Arrays.copyOf(b, b.length / 2));
        });
        damaged(all, "format version 7", "checkpoint format version 7; this unfold reads version 2", run -> editManifest(run, m -> m.addProperty("version", 7)));
        damaged(all, "a manifest that is not JSON", "checkpoint damaged: the manifest is not valid JSON", run -> {
            Path ckpt = run.resolve("checkpoint.safetensors");
            SafeTensors.Contents c = SafeTensors.parseContents(Files.readAllBytes(ckpt));
            SafeTensors.write(ckpt, c.tensors(), Map.of("unfold.manifest", "{not json"));
        });
        damaged(all, "no manifest", "not an unfold checkpoint \\(no manifest\\)", run -> {
            Path ckpt = run.resolve("checkpoint.safetensors");
            SafeTensors.write(ckpt, SafeTensors.parseContents(Files.readAllBytes(ckpt)).tensors(), Map.of());
        });
        damaged(all, "no counters", "field 'counters' is missing", run -> editManifest(run, m -> m.remove("counters")));
        damaged(all, "a null vocabulary", "field 'vocabulary'|vocabulary", run -> editManifest(run, m -> m.add("vocabulary", com.google.gson.JsonNull.INSTANCE)));
        damaged(all, "a null vocabulary entry", "field 'vocabulary' entry 3 is not a string", run -> editManifest(run,
                m -> m.getAsJsonArray("vocabulary").set(3, com.google.gson.JsonNull.INSTANCE)));
        damaged(all, "a vocabulary entry of two characters", "the vocabulary is damaged: vocabulary entry 2 is not one character", run -> editManifest(run,
                m -> m.getAsJsonArray("vocabulary").set(2, new com.google.gson.JsonPrimitive("ab"))));
        damaged(all, "a vocabulary of another size", "the vocabulary has .* symbols, but the model reads", run -> editManifest(run,
                m -> m.getAsJsonArray("vocabulary").remove(5)));
        damaged(all, "a negative position", "field 'counters.position' is -4, must be in \\[0,", run -> editManifest(run,
                m -> m.getAsJsonObject("counters").addProperty("position", -4)));
        damaged(all, "a step that is text", "field 'counters.step' is not a number", run -> editManifest(run,
                m -> m.getAsJsonObject("counters").addProperty("step", "abc")));
        damaged(all, "a fractional step", "field 'counters.step' is 2.5, must be a whole number", run -> editManifest(run,
                m -> m.getAsJsonObject("counters").addProperty("step", 2.5)));
        damaged(all, "hidden 0", "field 'model.rnn.hidden' is 0, must be in \\[1,", run -> editManifest(run,
                m -> m.getAsJsonObject("model").getAsJsonObject("rnn").addProperty("hidden", 0)));
        damaged(all, "an unknown cell", "field 'model.rnn.cell' is 'elman', not one of rnn_tanh, rnn_relu, lstm, gru, jordan", run -> editManifest(run,
                m -> m.getAsJsonObject("model").getAsJsonObject("rnn").addProperty("cell", "elman")));
        damaged(all, "a tensor named carry/5", "carried state 'carry/5' is no state of the model", run -> editTensors(run,
                t -> t.put("carry/5", Tensor.zeros(DType.F32, Shape.of(4, 8)))));
        damaged(all, "a carried state at step x", "carried state 'carry/x/h0_l0' has no step number", run -> editTensors(run,
                t -> t.put("carry/x/h0_l0", Tensor.zeros(DType.F32, Shape.of(4, 8)))));
        damaged(all, "a carried state of the wrong batch", "has shape \\[3, 8\\]; the run needs \\[4, 8\\]", run -> editTensors(run, t -> {
            String k = t.keySet().stream().filter(n -> n.startsWith("carry/")).findFirst().orElseThrow();
            t.put(k, Tensor.zeros(DType.F32, Shape.of(3, 8)));
        }));
        damagedForResume(all, "the carried states removed", "there is no carried state at step", run -> editTensors(run,
                t -> t.keySet().removeIf(n -> n.startsWith("carry/"))));
        damaged(all, "an optimizer slot of the wrong shape", "optimizer slot 'optim/exp_avg/weight_hh_l0' has 3 elements", run -> editTensors(run,
                t -> t.put("optim/exp_avg/weight_hh_l0", Tensor.zeros(DType.F32, Shape.of(3)))));
        damaged(all, "an optimizer slot Adam has not", "adam keeps no slot 'momentum'", run -> editTensors(run,
                t -> t.put("optim/momentum/weight_hh_l0", Tensor.zeros(DType.F32, Shape.of(32, 8)))));
        damaged(all, "an optimizer slot of no parameter", "belongs to no parameter of the model", run -> editTensors(run,
                t -> t.put("optim/exp_avg/weight_xx_l0", Tensor.zeros(DType.F32, Shape.of(3)))));
        damaged(all, "an unexpected tensor", "unexpected tensor 'junk'", run -> editTensors(run, t -> t.put("junk", Tensor.zeros(DType.F32, Shape.of(1)))));
        damaged(all, "a missing parameter", "parameter 'weight_hh_l0' is missing", run -> editTensors(run, t -> t.remove("param/weight_hh_l0")));
        damaged(all, "a parameter of the wrong shape", "parameter 'weight_hh_l0' must have shape \\[32, 8\\], got \\[8, 8\\]", run -> editTensors(run,
                t -> t.put("param/weight_hh_l0", Tensor.zeros(DType.F32, Shape.of(8, 8)))));
        damaged(all, "a parameter holding NaN", "parameter 'weight_hh_l0' holds NaN", run -> editTensors(run,
                t -> t.put("param/weight_hh_l0", Tensor.full(DType.F32, Shape.of(32, 8), Double.NaN))));
        damaged(all, "an optimizer slot holding infinity", "holds Infinity", run -> editTensors(run,
                t -> t.put("optim/exp_avg/weight_hh_l0", Tensor.full(DType.F32, Shape.of(32, 8), Double.POSITIVE_INFINITY))));
        damaged(all, "a tensor name with a newline", "unexpected tensor 'bad\\\\u000aunfold: error: forged'", run -> editTensors(run,
                t -> t.put("bad\nunfold: error: forged", Tensor.zeros(DType.F32, Shape.of(1)))));
        damaged(all, "a tensor name with an escape sequence", "unexpected tensor '\\\\u001b\\[31mred'", run -> editTensors(run,
                t -> t.put("\u001b[31mred", Tensor.zeros(DType.F32, Shape.of(1)))));
        damaged(all, "an optimizer it was not trained with", "optimizer state is for sgd, not adam", run -> editManifest(run,
                m -> m.getAsJsonObject("counters").addProperty("optimizer", "sgd")));
        damaged(all, "a checkpoint that is a folder", "not a regular file|is a folder", run -> {
            Path ckpt = run.resolve("checkpoint.safetensors");
            Files.delete(ckpt);
            Files.createDirectory(ckpt);
            Files.writeString(ckpt.resolve("x"), "x");
        });
        damaged(all, "a run data source that is unknown", "field 'run.data.source' is 'web', not text, task or data", run -> editManifest(run,
                m -> m.getAsJsonObject("run").getAsJsonObject("data").addProperty("source", "web")));
        damaged(all, "a learning rate that is text", "field 'run.plan.schedule.lr' is not a number", run -> editManifest(run,
                m -> m.getAsJsonObject("run").getAsJsonObject("plan").getAsJsonObject("schedule").addProperty("lr", "fast")));
        all.add(new Case("resume a task checkpoint whose task is null", d -> {
            Path run = taskRunCopy(d);
            editManifest(run, m -> m.getAsJsonObject("run").getAsJsonObject("data").add("task", com.google.gson.JsonNull.INSTANCE));
            return Invocation.of("train", "--resume", "--steps", "6", "--out", run.toString()).keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "field 'run.data.task' is missing"));
        all.add(new Case("resume a task checkpoint at a position past its episode", d -> {
            Path run = taskRunCopy(d);
            editManifest(run, m -> m.getAsJsonObject("counters").addProperty("position", 999));
            return Invocation.of("train", "--resume", "--steps", "6", "--out", run.toString()).keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "the position 999 is past the episode's 10 steps"));
    }

    // ---- eval, sample, show, flow, plot --------------------------------------------------------------

    private static void evaluate(List<Case> all) {
        all.add(new Case("eval a folder that does not exist", d -> Invocation.of("eval", "--model", d.resolve("none").toString(), "--text", text.toString()),
                2, "holds no checkpoint"));
        all.add(new Case("eval a character model without --text", d -> Invocation.of("eval", "--model", charRun.toString()), 2,
                "a character model needs --text FILE"));
        all.add(new Case("eval --text a FIFO", d -> Invocation.of("eval", "--model", charRun.toString(), "--text", fifo.toString()), 2, "not a regular file"));
        all.add(new Case("eval --text a folder", d -> Invocation.of("eval", "--model", charRun.toString(), "--text", d.toString()), 2, "is a folder"));
        all.add(new Case("eval a task model with --text", d -> Invocation.of("eval", "--model", taskRun.toString(), "--text", text.toString()), 2,
                "holds a model for the adding task; it takes no --text"));
        all.add(new Case("eval a text of one character", d -> {
            Files.writeString(d.resolve("one.txt"), "A");
            return Invocation.of("eval", "--model", charRun.toString(), "--text", d.resolve("one.txt").toString());
        }, 2, "fewer than 2 characters"));
        all.add(new Case("eval a model whose weights hold NaN", d -> {
            Path run = charRunCopy(d);
            editTensors(run, t -> t.put("param/decoder.bias", Tensor.full(DType.F32, t.get("param/decoder.bias").shape(), Double.NaN)));
            return Invocation.of("eval", "--model", run.toString(), "--text", text.toString()).keeping(run.resolve("checkpoint.safetensors"));
        }, 2, "parameter 'decoder.bias' holds NaN"));
        all.add(new Case("eval --model a file", d -> {
            Files.writeString(d.resolve("f"), "x");
            return Invocation.of("eval", "--model", d.resolve("f").toString(), "--text", text.toString());
        }, 2, "holds no checkpoint.*not a folder of a run"));
    }

    private static void sample(List<Case> all) {
        String m = charRun.toString();
        all.add(new Case("sample --length -1", d -> Invocation.of("sample", "--model", m, "--length", "-1"), 2, "--length must be between 0"));
        all.add(new Case("sample --temperature 0", d -> Invocation.of("sample", "--model", m, "--temperature", "0"), 2, "--temperature must be positive"));
        all.add(new Case("sample --temperature NaN", d -> Invocation.of("sample", "--model", m, "--temperature", "NaN"), 2, "--temperature must be positive"));
        all.add(new Case("sample --temperature Infinity", d -> Invocation.of("sample", "--model", m, "--temperature", "Infinity"), 2,
                "--temperature must be positive"));
        all.add(new Case("sample --top-k -1", d -> Invocation.of("sample", "--model", m, "--top-k", "-1"), 2, "--top-k must be 0"));
        all.add(new Case("sample a task model", d -> Invocation.of("sample", "--model", taskRun.toString()), 2, "not a character model"));
        all.add(new Case("sample --checkpoint middle", d -> Invocation.of("sample", "--model", m, "--checkpoint", "middle"), 2,
                "unknown checkpoint 'middle'; known: best, last"));
        all.add(new Case("sample a damaged best checkpoint", d -> {
            Path run = charRunCopyWithBest(d);
            Path best = run.resolve("best.safetensors");
            byte[] b = Files.readAllBytes(best);
            Files.write(best, Arrays.copyOf(b, b.length / 3));
            return Invocation.of("sample", "--model", run.toString(), "--length", "5").keeping(best);
        }, 2, "best\\.safetensors: checkpoint damaged"));
        all.add(new Case("sample --checkpoint last of a folder without one", d -> {
            Path run = d.resolve("only-best");
            Files.createDirectories(run);
            Files.copy(charRun.resolve("best.safetensors"), run.resolve("best.safetensors"));
            return Invocation.of("sample", "--model", run.toString(), "--checkpoint", "last");
        }, 2, "holds no checkpoint \\(checkpoint\\.safetensors\\)"));
        all.add(new Case("sample without --model", d -> Invocation.of("sample"), 2, "Missing required option: '--model"));
    }

    private static void show(List<Case> all) {
        all.add(new Case("show --steps 0", d -> Invocation.of("show", "--cell", "lstm", "--steps", "0"), 2, "--steps must be between 1 and 10000"));
        all.add(new Case("show --steps 1000000", d -> Invocation.of("show", "--cell", "lstm", "--steps", "1000000"), 2, "--steps must be between 1 and 10000"));
        all.add(new Case("show --cell nope", d -> Invocation.of("show", "--cell", "nope"), 2, "unknown cell 'nope'"));
        all.add(new Case("show without --cell", d -> Invocation.of("show"), 2, "--cell is required"));
        all.add(new Case("show --format pdf", d -> Invocation.of("show", "--cell", "lstm", "--format", "pdf"), 2, "Invalid value for option '--format'"));
        all.add(new Case("show --out in a missing folder", d -> Invocation.of("show", "--cell", "lstm", "--format", "svg", "--out",
                d.resolve("missing/g.svg").toString()), 2, "does not exist"));
        all.add(new Case("show --out a folder", d -> Invocation.of("show", "--cell", "lstm", "--format", "svg", "--out", d.toString()), 2, "it is a folder"));
        all.add(new Case("show --batch 0", d -> Invocation.of("show", "--cell", "gru", "--batch", "0"), 2, "--batch must be between 1"));
        all.add(new Case("show --hidden 5000", d -> Invocation.of("show", "--cell", "gru", "--hidden", "5000"), 2, "--hidden must be between 1 and 4096"));
        all.add(new Case("show a drawing too large for memory", d -> Invocation.of("show", "--cell", "lstm", "--steps", "10000", "--layers", "16",
                "--hidden", "4096", "--batch", "64", "--format", "html", "--out", d.resolve("g.html").toString()).creatingNothingAt(d.resolve("g.html")), 2,
                "this drawing needs about .* of memory"));
        all.add(new Case("show --model with --text a FIFO", d -> Invocation.of("show", "--model", charRun.toString(), "--text", fifo.toString()), 2,
                "not a regular file"));
        all.add(new Case("show --dropout 1", d -> Invocation.of("show", "--cell", "lstm", "--layers", "2", "--dropout", "1"), 2,
                "--dropout must be a probability in \\[0, 1\\)"));
        all.add(new Case("show --variational-dropout -1", d -> Invocation.of("show", "--cell", "gru", "--variational-dropout", "-1"), 2,
                "--variational-dropout must be a probability in \\[0, 1\\)"));
        all.add(new Case("show --phase testing", d -> Invocation.of("show", "--cell", "gru", "--phase", "testing"), 2,
                "unknown phase 'testing'; known: training, evaluation"));
        all.add(new Case("show --model a missing folder", d -> Invocation.of("show", "--model", d.resolve("none").toString()), 2, "holds no checkpoint"));
    }

    private static void flow(List<Case> all) {
        all.add(new Case("flow --every 0", d -> Invocation.of("flow", "--model", taskRun.toString(), "--every", "0"), 2, "--every must be between 1"));
        all.add(new Case("flow a character model without --text", d -> Invocation.of("flow", "--model", charRun.toString()), 2, "needs --text FILE"));
        all.add(new Case("flow --steps 0", d -> Invocation.of("flow", "--model", charRun.toString(), "--text", text.toString(), "--steps", "0"), 2,
                "--steps must be between 1 and 10000"));
        all.add(new Case("flow a missing folder", d -> Invocation.of("flow", "--model", d.resolve("none").toString()), 2, "holds no checkpoint"));
        all.add(new Case("flow --text /dev/zero", d -> Invocation.of("flow", "--model", charRun.toString(), "--text", "/dev/zero"), 2, "not a regular file"));
    }

    private static Path metrics(Path dir, String content) throws IOException {
        Path run = dir.resolve("m");
        Files.createDirectories(run);
        Files.writeString(run.resolve("metrics.jsonl"), content);
        return run;
    }

    private static void plot(List<Case> all) {
        all.add(new Case("plot a folder without metrics", d -> Invocation.of("plot", "--model", d.toString()), 2, "holds no metrics\\.jsonl"));
        all.add(new Case("plot metrics whose loss is an object", d -> {
            Path run = metrics(d, "{\"step\":1,\"loss\":{\"a\":1}}\n");
            return Invocation.of("plot", "--model", run.toString()).creatingNothingAt(run.resolve("loss.png"));
        }, 2, "metrics\\.jsonl line 1: 'loss' is not a number"));
        all.add(new Case("plot metrics with a validation line without a step", d -> {
            Path run = metrics(d, "{\"step\":1,\"loss\":2.0}\n{\"val_mse\":0.5}\n");
            return Invocation.of("plot", "--model", run.toString()).creatingNothingAt(run.resolve("loss.png"));
        }, 2, "line 2: 'step' is missing"));
        all.add(new Case("plot metrics that are not JSON", d -> Invocation.of("plot", "--model", metrics(d, "{\"step\":1,\"loss\":2.0}\nnot json\n").toString()),
                2, "line 2 is not a JSON object: not json"));
        all.add(new Case("plot metrics that are not UTF-8", d -> {
            Path run = d.resolve("m");
            Files.createDirectories(run);
            Files.write(run.resolve("metrics.jsonl"), new byte[] {'{', (byte) 0xff, '}', '\n'});
            return Invocation.of("plot", "--model", run.toString());
        }, 2, "metrics\\.jsonl is not valid UTF-8"));
        all.add(new Case("plot metrics with a line of 10 MB", d -> Invocation.of("plot", "--model", metrics(d, "x".repeat(10_000_000) + "\n").toString()), 2,
                "line 1 is not a JSON object: x{80}\\.\\.\\.$"));
        all.add(new Case("plot metrics that are a FIFO", d -> {
            Path run = d.resolve("m");
            Files.createDirectories(run);
            new ProcessBuilder("mkfifo", run.resolve("metrics.jsonl").toString()).start().waitFor();
            return Invocation.of("plot", "--model", run.toString());
        }, 2, "not a regular file"));
        all.add(new Case("plot metrics that are a folder", d -> {
            Path run = d.resolve("m");
            Files.createDirectories(run.resolve("metrics.jsonl"));
            return Invocation.of("plot", "--model", run.toString());
        }, 2, "is a folder"));
        all.add(new Case("plot --out a missing folder", d -> Invocation.of("plot", "--model", charRun.toString(), "--out", d.resolve("none").toString()), 2,
                "does not exist"));
        all.add(new Case("plot metrics without training points", d -> Invocation.of("plot", "--model", metrics(d, "{\"step\":1,\"val_mse\":0.5}\n").toString()),
                2, "has no training points yet"));
        all.add(new Case("plot --checkpoint first", d -> Invocation.of("plot", "--model", charRun.toString(), "--checkpoint", "first"), 2,
                "unknown checkpoint 'first'"));
        all.add(new Case("plot metrics with an infinite loss", d -> Invocation.of("plot", "--model",
                metrics(d, "{\"step\":1,\"loss\":1e999}\n").toString()), 2, "'loss' is not finite"));
    }

    // ---- forward, gradcheck, bench, demo -----------------------------------------------------------------

    private static Invocation forward(Path dir, String cell, String layers, Path w, Path x, String... more) {
        List<String> a = new ArrayList<>(List.of("forward", "--cell", cell, "--layers", layers, "--weights", w.toString(), "--input", x.toString(),
                "--out", dir.resolve("y.safetensors").toString()));
        a.addAll(Arrays.asList(more));
        return Invocation.of(a.toArray(String[]::new)).creatingNothingAt(dir.resolve("y.safetensors"));
    }

    private static Path tensors(Path dir, String name, Map<String, Tensor> t) throws IOException {
        Path p = dir.resolve(name);
        SafeTensors.write(p, t);
        return p;
    }

    private static Map<String, Tensor> inputs() throws IOException {
        return new LinkedHashMap<>(SafeTensors.read(input));
    }

    private static void forward(List<Case> all) {
        all.add(new Case("forward weights too short", d -> {
            Files.write(d.resolve("s.safetensors"), new byte[] {9, 9});
            return forward(d, "lstm", "2", d.resolve("s.safetensors"), input);
        }, 2, "shorter than the 8-byte header length"));
        all.add(new Case("forward weights missing", d -> forward(d, "lstm", "2", d.resolve("none.safetensors"), input), 2, "no such file"));
        all.add(new Case("forward weights a FIFO", d -> forward(d, "lstm", "2", fifo, input), 2, "not a regular file"));
        all.add(new Case("forward weights a folder", d -> forward(d, "lstm", "2", d, input), 2, "is a folder"));
        all.add(new Case("forward weights of another cell", d -> forward(d, "gru", "2", weights, input), 2,
                "weight_ih_l0: expected shape \\[18, 4\\].*these look like lstm weights"));
        all.add(new Case("forward with too few layers", d -> forward(d, "lstm", "1", weights, input), 2, "unexpected tensor 'weight_ih_l1'"));
        all.add(new Case("forward with too many layers", d -> forward(d, "lstm", "3", weights, input), 2, "missing tensor 'weight_ih_l2'"));
        all.add(new Case("forward input too wide", d -> {
            Map<String, Tensor> x = inputs();
            x.put("input", Tensor.zeros(DType.F32, Shape.of(5, 3, 7)));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "input: expected shape \\[T, B, 4\\], got \\[5, 3, 7\\]"));
        all.add(new Case("forward h0 of the wrong shape", d -> {
            Map<String, Tensor> x = inputs();
            x.put("h0", Tensor.zeros(DType.F32, Shape.of(1, 3, 6)));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "h0: expected shape \\[2, 3, 6\\], got \\[1, 3, 6\\]"));
        all.add(new Case("forward c0 for a gru", d -> {
            Map<String, Tensor> x = inputs();
            x.put("c0", Tensor.zeros(DType.F32, Shape.of(2, 3, 6)));
            return forward(d, "gru", "2", Path.of(BadInputCorpusTest.class.getResource("/parity/gru_l2/weights.safetensors").toURI()),
                    tensors(d, "x.safetensors", x));
        }, 2, "c0 is given, but a gru network has no cell state"));
        all.add(new Case("forward an extra tensor in the input", d -> {
            Map<String, Tensor> x = inputs();
            x.put("hidden", Tensor.zeros(DType.F32, Shape.of(1)));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "unexpected tensor 'hidden'"));
        all.add(new Case("forward lengths with a zero", d -> {
            Map<String, Tensor> x = inputs();
            x.put("lengths", Tensor.wrap(Shape.of(3), new double[] {5, 0, 2}));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "x.safetensors: lengths: length of row 1 must be a whole number between 1 and 5, got 0.0"));
        all.add(new Case("forward lengths longer than the input", d -> {
            Map<String, Tensor> x = inputs();
            x.put("lengths", Tensor.wrap(Shape.of(3), new double[] {6, 1, 2}));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "lengths: length of row 0 must be a whole number between 1 and 5, got 6.0"));
        all.add(new Case("forward fractional lengths", d -> {
            Map<String, Tensor> x = inputs();
            x.put("lengths", Tensor.wrap(Shape.of(3), new float[] {1, 2.5f, 2}));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "length of row 1 must be a whole number between 1 and 5, got 2.5"));
        all.add(new Case("forward lengths of the wrong shape", d -> {
            Map<String, Tensor> x = inputs();
            x.put("lengths", Tensor.wrap(Shape.of(2), new double[] {1, 2}));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "lengths: expected shape \\[3\\], got \\[2\\]"));
        all.add(new Case("forward without an input tensor", d -> {
            Map<String, Tensor> x = inputs();
            x.remove("input");
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "missing tensor 'input'"));
        all.add(new Case("forward --out in a missing folder", d -> Invocation.of("forward", "--cell", "lstm", "--layers", "2", "--weights", weights.toString(),
                "--input", input.toString(), "--out", d.resolve("no/dir/y.safetensors").toString()), 2, "does not exist"));
        all.add(new Case("forward weights holding NaN", d -> {
            Map<String, Tensor> w = new LinkedHashMap<>(SafeTensors.read(weights));
            w.put("bias_hh_l0", Tensor.full(DType.F32, w.get("bias_hh_l0").shape(), Double.NaN));
            return forward(d, "lstm", "2", tensors(d, "w.safetensors", w), input);
        }, 2, "tensor 'bias_hh_l0' holds NaN at element 0 \\(--allow-non-finite runs it anyway\\)"));
        all.add(new Case("forward an input holding infinity", d -> {
            Map<String, Tensor> x = inputs();
            Tensor in = x.get("input");
            x.put("input", in.withElement(3, Double.POSITIVE_INFINITY));
            return forward(d, "lstm", "2", weights, tensors(d, "x.safetensors", x));
        }, 2, "tensor 'input' holds Infinity at element 3"));
        all.add(new Case("forward --cell jordan", d -> forward(d, "jordan", "1", weights, input), 2, "jordan has no PyTorch weights"));
        all.add(new Case("forward --layers 0", d -> forward(d, "lstm", "0", weights, input), 2, "--layers must be between 1 and 64"));
        all.add(new Case("forward an absurd header length", d -> {
            byte[] b = new byte[16];
            java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE / 2);
            Files.write(d.resolve("h.safetensors"), b);
            return forward(d, "lstm", "2", d.resolve("h.safetensors"), input);
        }, 2, "header length .* is not plausible"));
        all.add(new Case("forward overlapping tensors", d -> {
            String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
            return forward(d, "lstm", "2", rawSafetensors(d, header, 12), input);
        }, 2, "overlap another tensor"));
        all.add(new Case("forward a tensor name with a newline", d -> {
            String header = "{\"x\\ny\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
            return forward(d, "lstm", "2", rawSafetensors(d, header, 4), input);
        }, 2, "missing tensor 'weight_ih_l0'|unexpected tensor 'x\\\\u000ay'"));
        all.add(new Case("forward a header that is not JSON", d -> forward(d, "lstm", "2", rawSafetensors(d, "{\"a\": [", 0), input), 2,
                "header is not valid JSON"));
        all.add(new Case("forward an unknown dtype", d -> forward(d, "lstm", "2",
                rawSafetensors(d, "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), input), 2, "unknown or unsupported dtype 'Q7'"));
        all.add(new Case("forward a 3 GiB sparse weights file", d -> {
            Path big = d.resolve("big.safetensors");
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
                f.setLength(3L << 30);
            }
            return forward(d, "lstm", "2", big, input);
        }, 2, "safetensors files of at most"));
    }

    private static Path rawSafetensors(Path dir, String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + json.length + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path p = dir.resolve("raw.safetensors");
        Files.write(p, b.array());
        return p;
    }

    private static void gradcheck(List<Case> all) {
        all.add(new Case("gradcheck --hidden 4096", d -> Invocation.of("gradcheck", "--cell", "lstm", "--hidden", "4096"), 2,
                "this gradient check (would run the network|needs about)"));
        all.add(new Case("gradcheck --cell elman", d -> Invocation.of("gradcheck", "--cell", "elman"), 2, "unknown cell 'elman'"));
        all.add(new Case("gradcheck --steps 65", d -> Invocation.of("gradcheck", "--cell", "gru", "--steps", "65"), 2, "--steps must be between 1 and 64"));
        all.add(new Case("gradcheck --layers 0", d -> Invocation.of("gradcheck", "--cell", "gru", "--layers", "0"), 2, "--layers must be between 1 and 16"));
        all.add(new Case("gradcheck --batch 0", d -> Invocation.of("gradcheck", "--cell", "gru", "--batch", "0"), 2, "--batch must be between 1"));
        all.add(new Case("gradcheck --input-size 0", d -> Invocation.of("gradcheck", "--cell", "gru", "--input-size", "0"), 2, "--input-size must be between 1"));
    }

    private static void bench(List<Case> all) {
        all.add(new Case("bench an unknown configuration", d -> Invocation.of("bench", "lstm_h1"), 2, "unknown configuration 'lstm_h1'"));
        all.add(new Case("bench --mode fast", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--mode", "fast"), 2, "--mode must be train, infer or step"));
        all.add(new Case("bench --mode step --seconds 0", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--mode", "step", "--seconds", "0"), 2,
                "--seconds must be positive and at most 3600, got 0.0"));
        all.add(new Case("bench --threads 0", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--threads", "0"), 2, "--threads must be between 1"));
        all.add(new Case("bench --repetitions 0", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--repetitions", "0"), 2, "--repetitions must be between 1"));
        all.add(new Case("bench --seconds NaN", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--seconds", "NaN"), 2, "--seconds must be positive"));
        all.add(new Case("bench --seconds 0", d -> Invocation.of("bench", "rnn_h100_b1_t25", "--seconds", "0"), 2, "--seconds must be positive"));
        all.add(new Case("bench without a configuration", d -> Invocation.of("bench"), 2, "Missing required parameter"));
    }

    private static void export(List<Case> all) {
        String m = charRun.toString();
        all.add(new Case("export --format tflite", d -> Invocation.of("export", "--model", m, "--format", "tflite", "--out", d.resolve("m.onnx").toString())
                .creatingNothingAt(d.resolve("m.onnx")), 2, "--format: unknown format 'tflite'; the one format is onnx"));
        all.add(new Case("export without --format", d -> Invocation.of("export", "--model", m, "--out", d.resolve("m.onnx").toString()), 2,
                "Missing required option: '--format"));
        for (String steps : List.of("0", "-2", "4097")) {
            all.add(new Case("export --unfolded " + steps, d -> Invocation.of("export", "--model", m, "--format", "onnx", "--unfolded", steps, "--out",
                    d.resolve("m.onnx").toString()).creatingNothingAt(d.resolve("m.onnx")), 2, "--unfolded takes a number of steps from 1 to 4096, got " + steps));
        }
        all.add(new Case("export --unfolded abc", d -> Invocation.of("export", "--model", m, "--format", "onnx", "--unfolded", "abc", "--out",
                d.resolve("m.onnx").toString()), 2, "Invalid value for option '--unfolded'"));
        all.add(new Case("export into a missing folder", d -> Invocation.of("export", "--model", m, "--format", "onnx", "--out",
                d.resolve("no/such/m.onnx").toString()).creatingNothingAt(d.resolve("no")), 2, "folder .* does not exist"));
        all.add(new Case("export onto a folder", d -> Invocation.of("export", "--model", m, "--format", "onnx", "--out", d.toString()), 2, "it is a folder"));
        all.add(new Case("export an empty folder", d -> Invocation.of("export", "--model", d.toString(), "--format", "onnx", "--out",
                d.resolve("m.onnx").toString()).creatingNothingAt(d.resolve("m.onnx")), 2, "checkpoint"));
        all.add(new Case("export a Jordan network in standard operators", d -> {
            Path run = d.resolve("jordan");
            assertEquals(0, CliRun.of("train", "--task", "adding", "--length", "6", "--cell", "jordan", "--hidden", "4", "--batch", "4", "--steps", "1",
                    "--out", run.toString()).exitCode());
            Files.writeString(d.resolve("m.onnx"), "an earlier export");
            return Invocation.of("export", "--model", run.toString(), "--format", "onnx", "--out", d.resolve("m.onnx").toString()).keeping(d.resolve("m.onnx"));
        }, 2, "\\.safetensors: ONNX has no operator for the Jordan network's cell .*export the unfolded graph with --unfolded T"));
        all.add(new Case("export a zoneout model in standard operators", d -> {
            Path run = d.resolve("zoneout");
            assertEquals(0, CliRun.of("train", "--task", "adding", "--length", "6", "--zoneout", "0.2", "--hidden", "4", "--batch", "4", "--steps", "1",
                    "--out", run.toString()).exitCode());
            return Invocation.of("export", "--model", run.toString(), "--format", "onnx", "--out", d.resolve("m.onnx").toString())
                    .creatingNothingAt(d.resolve("m.onnx"));
        }, 2, "zoneout .* --unfolded T"));
    }

    private static void memoryBudget(List<Case> all) {
        flag(all, "--memory-budget below the minimum", "--memory-budget 1\\.0 KiB is below the minimum for this model and window, [0-9.]+ KiB \\(one stored state",
                "--memory-budget", "1K");
        for (String bad : List.of("abc", "0", "-5M", "12Q", "1.5.2G", "NaN", "Infinity", "9999999999G")) {
            flag(all, "--memory-budget " + bad, "--memory-budget: '.*' is not a positive size such as 64M or 2G", "--memory-budget", bad);
        }
        flag(all, "--memory-policy fast", "memory-policy", "--memory-budget", "1M", "--memory-policy", "fast");
        all.add(new Case("bench --memory-budget with --mode infer", d -> Invocation.of("bench", "lstm_h256_b32_t64", "--mode", "infer", "--memory-budget",
                "64M"), 2, "--memory-budget bounds the memory of training; it has no effect with --mode infer"));
        all.add(new Case("bench --seq 0", d -> Invocation.of("bench", "lstm_h256_b32_t64", "--seq", "0"), 2, "--seq must be between 1"));
        all.add(new Case("bench --seq 100000 with full BPTT", d -> Invocation.of("bench", "lstm_h256_b32_t64", "--seq", "100000"), 2,
                "this benchmark with full BPTT \\(--memory-budget bounds it\\) needs about [0-9.]+ GiB of memory"));
        all.add(new Case("bench --memory-budget below the minimum", d -> Invocation.of("bench", "lstm_h256_b32_t64", "--seq", "1000", "--memory-budget",
                "100K"), 2, "--memory-budget 100\\.0 KiB is below the minimum for this model and window, [0-9.]+ KiB"));
        all.add(new Case("show --memory-budget below the minimum", d -> Invocation.of("show", "--cell", "lstm", "--hidden", "64", "--batch", "8", "--steps",
                "100", "--memory-budget", "2K"), 2, "is below the minimum for this model and window"));
        all.add(new Case("show --memory-budget --format dot", d -> Invocation.of("show", "--cell", "lstm", "--steps", "100", "--memory-budget", "1M", "--format",
                "dot"), 2, "--memory-budget draws the plan as text or svg, not dot"));
        all.add(new Case("show --memory-budget below a bidirectional network's minimum", d -> Invocation.of("show", "--cell", "gru", "--bidirectional",
                "--steps", "500", "--memory-budget", "20K"), 2, "--memory-budget 20\\.0 KiB is below the minimum for this bidirectional model and window,"
                + " [0-9.]+ KiB \\(units of [0-9]+ steps?"));
    }

    private static void spark(List<Case> all) {
        flag(all, "--spark without the Spark module on the class path", "--spark needs Unfold's Spark module and Spark on the class path", "--spark", "local[2]");
        flag(all, "--partitions without --spark", "--partitions splits batches across a Spark cluster; give --spark MASTER", "--partitions", "2");
        flag(all, "--partitions above the batch", "--partitions must be between 1 and the batch of 4 sequences", "--spark", "local[2]", "--partitions", "5");
        flag(all, "--partitions 0", "--partitions must be between 1 and the batch", "--spark", "local[2]", "--partitions", "0");
        flag(all, "--spark with --memory-budget", "--memory-budget with --spark: memory-bounded BPTT runs its units on this machine", "--spark", "local[2]",
                "--memory-budget", "64M");
    }

    private static void demo(List<Case> all) {
        all.add(new Case("demo --minutes 0", d -> Invocation.of("demo", "--minutes", "0", "--out", d.resolve("r").toString()), 2, "--minutes must be between 0"));
        all.add(new Case("demo --minutes NaN", d -> Invocation.of("demo", "--minutes", "NaN", "--out", d.resolve("r").toString()), 2, "--minutes must be between"));
        all.add(new Case("demo --hidden 0", d -> Invocation.of("demo", "--hidden", "0", "--out", d.resolve("r").toString()), 2, "--hidden must be between 1"));
        all.add(new Case("demo --out a file", d -> {
            Files.writeString(d.resolve("f"), "x");
            return Invocation.of("demo", "--minutes", "0.01", "--out", d.resolve("f").toString()).keeping(d.resolve("f"));
        }, 2, "not a folder"));
        all.add(new Case("an unknown command", d -> Invocation.of("bogus"), 2, "Unmatched argument"));
    }
}
