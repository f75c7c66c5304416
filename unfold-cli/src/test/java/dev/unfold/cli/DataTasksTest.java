package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.io.SafeTensors;
import dev.unfold.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --data}, {@code eval --data} and {@code predict} on sequences of their own lengths: a classifier
 * must remember a sequence's first symbol over up to 12 steps of padding-free batches, a regressor must average
 * a feature over the sequence's own length; both only work when padded steps keep the state.
 */
class DataTasksTest {
    @TempDir
    static Path tmp;
    private static Path first;
    private static Path mean;

    @BeforeAll
    static void data() throws IOException {
        Random r = new Random(3);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            int n = 2 + r.nextInt(11);
            List<String> toks = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                toks.add("\"" + "abcd".charAt(r.nextInt(4)) + "\"");
            }
            a.append("{\"tokens\": [").append(String.join(", ", toks)).append("], \"label\": ").append(toks.get(0)).append("}\n");
            double sum = 0;
            List<String> x = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                double v = r.nextGaussian();
                sum += v;
                x.add(String.format(Locale.ROOT, "[%.4f, %.4f]", v, r.nextGaussian()));
            }
            b.append("{\"x\": [").append(String.join(", ", x)).append(String.format(Locale.ROOT, "], \"y\": %.4f}%n", 100 + 10 * sum / n));
        }
        first = tmp.resolve("first.jsonl");
        mean = tmp.resolve("mean.jsonl");
        Files.writeString(first, a);
        Files.writeString(mean, b);
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    private static double metric(String out, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)(?:^| )" + name + "=(\\S+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + out);
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void classifierRemembersTheFirstSymbolAndPredicts() throws IOException {
        Path run = tmp.resolve("first-run");
        CliRun train = ok("train", "--data", first.toString(), "--task", "classify", "--hidden", "32", "--steps", "300", "--eval-every", "100",
                "--out", run.toString());
        assertTrue(train.err().contains("padding"), train.err());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Scores on its validation sequences"), "the run's own report");
        assertTrue(Files.exists(run.resolve("confusion.svg")) && Files.exists(run.resolve("loss.svg")), train.out());
        CliRun eval = ok("eval", "--model", run.toString(), "--data", first.toString());
        String[] lines = eval.out().trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("accuracy="), eval.out());
        assertTrue(metric(eval.out(), "accuracy") >= 0.95, eval.out());
        assertTrue(eval.out().contains("macro_f1="), eval.out());
        assertTrue(eval.out().contains("confusion matrix"), eval.out());

        Path predictions = tmp.resolve("p.csv");
        ok("predict", "--model", run.toString(), "--data", first.toString(), "--out", predictions.toString());
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("line,predicted,p_a,p_b,p_c,p_d", rows.get(0));
        assertEquals(601, rows.size());
        String[] cells = rows.get(1).split(",");
        double total = 0;
        for (int i = 2; i < cells.length; i++) {
            total += Double.parseDouble(cells[i]);
        }
        assertEquals(1.0, total, 1e-4);

        ok("plot", "--model", run.toString(), "--data", first.toString());
        String confusion = Files.readString(run.resolve("confusion.svg"));
        assertEquals(4, confusion.split("class=\"cell diagonal\"").length - 1, "a diagonal cell per class");
        assertTrue(confusion.contains(">166<") || confusion.contains("confusion matrix"), confusion);
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("loss.svg") && report.contains("confusion.svg") && report.contains("accuracy="), report);

        List<String> lines3 = Files.readAllLines(first);
        int third = lines3.get(2).split("\", \"").length;
        Path drawing = tmp.resolve("seq.svg");
        ok("show", "--model", run.toString(), "--data", first.toString(), "--line", "3", "--steps", "14", "--format", "svg", "--out", drawing.toString());
        String svg = Files.readString(drawing);
        assertEquals(14 - third, svg.split("class=\"step padded\"").length - 1, "the steps after line 3's " + third + " tokens are padding");
        assertBad("has " + third + " steps; --steps must be at least that", "show", "--model", run.toString(), "--data", first.toString(), "--line", "3",
                "--steps", "1", "--format", "svg");
        assertBad("no sequence starts at line 9999", "show", "--model", run.toString(), "--data", first.toString(), "--line", "9999", "--format", "svg");
        ok("show", "--model", run.toString(), "--data", first.toString(), "--format", "html", "--out", tmp.resolve("seq.html").toString());

        Path unseen = tmp.resolve("unseen.jsonl");
        Files.writeString(unseen, "{\"tokens\": [\"a\", \"b\"], \"label\": \"a\"}\n{\"tokens\": [\"e\", \"b\"], \"label\": \"e\"}\n");
        CliRun counted = ok("eval", "--model", run.toString(), "--data", unseen.toString());
        assertTrue(counted.out().contains("sequences=2 scored=1 unknown_classes=1"), counted.out());
    }

    @Test
    void bidirectionalReadsBothFinalStates() throws IOException {
        Path run = tmp.resolve("bi-run");
        ok("train", "--data", first.toString(), "--task", "classify", "--bidirectional", "--cell", "gru", "--hidden", "16", "--steps", "150",
                "--eval-every", "150", "--out", run.toString());
        CliRun eval = ok("eval", "--model", run.toString(), "--data", first.toString());
        assertTrue(metric(eval.out(), "accuracy") >= 0.95, eval.out());
        assertTrue(Files.readString(run.resolve("metrics.jsonl")).contains("val_accuracy"));
        assertBad("--bidirectional is for a model of whole sequences (--data)", "train", "--bidirectional", "--steps", "1", "--out",
                tmp.resolve("bi-text").toString());
    }

    @Test
    void regressorAveragesOverEachSequencesOwnLength() throws IOException {
        Path run = tmp.resolve("mean-run");
        ok("train", "--data", mean.toString(), "--task", "regress", "--hidden", "32", "--steps", "400", "--eval-every", "200", "--out", run.toString());
        CliRun eval = ok("eval", "--model", run.toString(), "--data", mean.toString());
        String[] lines = eval.out().trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("mse="), eval.out());
        assertTrue(metric(eval.out(), "r2") > 0.8, eval.out());
        assertTrue(metric(eval.out(), "mae") < 2.5, "in the target's own units: " + eval.out());
        ok("plot", "--model", run.toString(), "--data", mean.toString());
        String scatter = Files.readString(run.resolve("predicted.svg"));
        assertEquals(600, scatter.split("<circle").length - 1, "a point per sequence");
        assertTrue(scatter.contains("class=\"identity\""), scatter);
    }

    @Test
    void csvInLongFormTrains() throws IOException {
        StringBuilder csv = new StringBuilder("seq,t,f0,f1,kind\n");
        Random r = new Random(5);
        for (int s = 0; s < 300; s++) {
            int n = 2 + r.nextInt(8);
            int kind = r.nextInt(2);
            for (int t = n - 1; t >= 0; t--) {
                double f0 = t == 0 ? kind * 2 - 1 : r.nextGaussian() * 0.1;
                csv.append(String.format(Locale.ROOT, "s%d,%d,%.4f,%.4f,%s%n", s, t, f0, r.nextGaussian(), kind == 1 ? "up" : "down"));
            }
        }
        Path file = tmp.resolve("long.csv");
        Files.writeString(file, csv);
        Path run = tmp.resolve("csv-run");
        ok("train", "--data", file.toString(), "--task", "classify", "--id", "seq", "--order", "t", "--features", "f0,f1", "--target", "kind",
                "--hidden", "16", "--steps", "200", "--eval-every", "100", "--out", run.toString());
        CliRun eval = ok("eval", "--model", run.toString(), "--data", file.toString());
        assertTrue(metric(eval.out(), "accuracy") >= 0.95, eval.out());
    }

    @Test
    void forecastBeatsTheNaiveBaselinesOnASeasonalSeries() throws IOException {
        StringBuilder csv = new StringBuilder("month,value\n");
        Random r = new Random(11);
        for (int t = 0; t < 360; t++) {
            csv.append(String.format(Locale.ROOT, "%d-%02d,%.4f%n", 1900 + t / 12, 1 + t % 12, 20 + 3 * Math.sin(2 * Math.PI * t / 12) + 0.2 * r.nextGaussian()));
        }
        Path series = tmp.resolve("season.csv");
        Files.writeString(series, csv);
        Path run = tmp.resolve("forecast-run");
        ok("train", "--data", series.toString(), "--task", "forecast", "--order", "month", "--target", "value", "--window", "24", "--horizon", "3",
                "--season", "12", "--hidden", "16", "--steps", "300", "--eval-every", "100", "--out", run.toString());
        CliRun eval = ok("eval", "--model", run.toString(), "--data", series.toString());
        String[] lines = eval.out().trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("mse="), eval.out());
        assertEquals(360 - 24 - 3 + 1, (int) metric(eval.out(), "windows"), eval.out());
        assertTrue(metric(eval.out(), "mse") < metric(eval.out(), "naive_mse"), eval.out());
        assertTrue(metric(eval.out(), "mse") < 0.5, eval.out());
        Path predictions = tmp.resolve("forecast.csv");
        ok("predict", "--model", run.toString(), "--data", series.toString(), "--out", predictions.toString());
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("line,forecast_1,forecast_2,forecast_3", rows.get(0));
        assertEquals(2, rows.size());

        Path shorter = tmp.resolve("short.csv");
        Files.writeString(shorter, "month,value\n1900-01,1\n1900-02,2\n1900-03,3\n");
        assertBad(shorter + ":2: the series has 3 steps; a window of 24 with a horizon of 3 needs at least 27", "eval", "--model", run.toString(),
                "--data", shorter.toString());
        assertBad("--task forecast needs --window W", "train", "--data", series.toString(), "--task", "forecast", "--target", "value", "--steps", "1",
                "--out", tmp.resolve("no-window").toString());
        Path dates = tmp.resolve("dates.csv");
        Files.writeString(dates, "month,value\n1900-01,1\nsoon,2\n");
        assertBad(dates + ":3: column 'month' holds 'soon', neither a number nor an ISO date", "train", "--data", dates.toString(), "--task", "forecast",
                "--order", "month", "--target", "value", "--window", "1", "--steps", "1", "--out", tmp.resolve("dates-run").toString());
    }

    @Test
    void aClassPerStepAndALanguageModelScoreEveryValidStep() throws IOException {
        Random r = new Random(4);
        StringBuilder label = new StringBuilder();
        StringBuilder lm = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            int n = 2 + r.nextInt(11);
            List<String> toks = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                toks.add("\"" + "abc".charAt(r.nextInt(3)) + "\"");
                labels.add(t == 0 ? "\"start\"" : toks.get(t).equals(toks.get(t - 1)) ? "\"same\"" : "\"diff\"");
            }
            label.append("{\"tokens\": [").append(String.join(", ", toks)).append("], \"labels\": [").append(String.join(", ", labels)).append("]}\n");
            int start = r.nextInt(4);
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < n + 1; k++) {
                text.append("abcd".charAt((start + k) % 4));
            }
            lm.append("{\"text\": \"").append(text).append("\"}\n");
        }
        Path labelFile = tmp.resolve("label.jsonl");
        Path lmFile = tmp.resolve("lm.jsonl");
        Files.writeString(labelFile, label);
        Files.writeString(lmFile, lm);

        Path labelRun = tmp.resolve("label-run");
        ok("train", "--data", labelFile.toString(), "--task", "label", "--hidden", "16", "--steps", "300", "--eval-every", "100", "--out", labelRun.toString());
        CliRun eval = ok("eval", "--model", labelRun.toString(), "--data", labelFile.toString());
        String[] lines = eval.out().trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("accuracy="), eval.out());
        assertTrue(metric(eval.out(), "accuracy") >= 0.95, eval.out());
        assertTrue(eval.out().contains("f1_same="), eval.out());
        Path labelled = tmp.resolve("labels.csv");
        ok("predict", "--model", labelRun.toString(), "--data", labelFile.toString(), "--out", labelled.toString());
        List<String> rows = Files.readAllLines(labelled);
        assertEquals("line,step,predicted,p_diff,p_same,p_start", rows.get(0));
        assertEquals(1 + metric(eval.out(), "scored_steps"), rows.size());

        Path lmRun = tmp.resolve("lm-run");
        ok("train", "--data", lmFile.toString(), "--task", "lm", "--hidden", "16", "--embed", "8", "--steps", "300", "--eval-every", "100",
                "--out", lmRun.toString());
        CliRun scored = ok("eval", "--model", lmRun.toString(), "--data", lmFile.toString());
        lines = scored.out().trim().split("\n");
        assertTrue(lines[lines.length - 1].startsWith("bits_per_char="), scored.out());
        assertTrue(metric(scored.out(), "bits_per_char") < 0.3, "the next letter is fixed by the one before: " + scored.out());
        Path one = tmp.resolve("one.jsonl");
        Files.writeString(one, "{\"text\": \"ab\"}\n{\"text\": \"a\"}\n");
        assertBad(one + ":2: a sequence of one symbol has no next symbol to learn", "eval", "--model", lmRun.toString(), "--data", one.toString());
    }

    @Test
    void aStreamedFileTrainsExactlyAsAHeldOne() throws IOException {
        Path held = tmp.resolve("held");
        Path streamed = tmp.resolve("streamed");
        String[] common = {"train", "--data", first.toString(), "--task", "classify", "--hidden", "8", "--steps", "40", "--eval-every", "20"};
        CliRun a = ok(concat(common, "--out", held.toString()));
        assertTrue(!a.err().contains("streamed"), a.err());
        System.setProperty("unfold.data.streamAbove", "0");
        CliRun b;
        try {
            b = ok(concat(common, "--out", streamed.toString()));
        } finally {
            System.clearProperty("unfold.data.streamAbove");
        }
        assertTrue(b.err().contains("streamed from disk"), b.err());
        Map<String, Tensor> x = SafeTensors.read(held.resolve("checkpoint.safetensors"));
        Map<String, Tensor> y = SafeTensors.read(streamed.resolve("checkpoint.safetensors"));
        for (String k : x.keySet()) {
            assertArrayEquals(x.get(k).toDoubleArray(), y.get(k).toDoubleArray(), k);
        }
        assertEquals(Files.readAllLines(held.resolve("metrics.jsonl")).stream().filter(l -> l.contains("val_")).toList(),
                Files.readAllLines(streamed.resolve("metrics.jsonl")).stream().filter(l -> l.contains("val_")).toList());

        Path broken = tmp.resolve("broken-late.jsonl");
        Files.writeString(broken, Files.readString(first) + "{\"tokens\": [\"a\"], \"label\": 3.5}\n");
        System.setProperty("unfold.data.streamAbove", "0");
        try {
            assertBad(broken + ":601: \"label\" is 3.5; a class is a string or a whole number", "train", "--data", broken.toString(), "--task", "classify",
                    "--steps", "1", "--out", tmp.resolve("broken-run").toString());
        } finally {
            System.clearProperty("unfold.data.streamAbove");
        }
        assertTrue(Files.notExists(tmp.resolve("broken-run").resolve("checkpoint.safetensors")));
    }

    @Test
    void aFileTooLargeForTheHeapIsRefusedBeforeItIsRead() throws Exception {
        Path big = tmp.resolve("big.jsonl");
        String line = "{\"x\": [[0.1234, 0.5678], [0.9012, 0.3456], [0.7890, 0.1234]], \"y\": 1.5}\n";
        Files.writeString(big, line.repeat(200_000));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m", "-cp",
                System.getProperty("java.class.path"), UnfoldCommand.class.getName(), "train", "--data", big.toString(), "--task", "regress",
                "--steps", "1", "--out", tmp.resolve("big-run").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), output);
        assertTrue(output.contains(big + " needs about") && output.contains("MiB of memory to hold its sequences"), output);
        assertEquals(1, output.trim().split("\n").length, output);
        assertTrue(Files.notExists(tmp.resolve("big-run").resolve("checkpoint.safetensors")));
    }

    @Test
    void resumeIsBitIdentical() throws IOException {
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        String[] common = {"train", "--data", first.toString(), "--task", "classify", "--hidden", "8", "--eval-every", "20", "--checkpoint-every", "20"};
        ok(concat(common, "--steps", "60", "--out", straight.toString()));
        ok(concat(common, "--steps", "30", "--out", resumed.toString()));
        assertBad("--data " + mean.toAbsolutePath() + " (the run has " + first.toAbsolutePath() + ") contradicts it", "train", "--resume", "--data",
                mean.toString(), "--steps", "60", "--out", resumed.toString());
        ok("train", "--resume", "--steps", "60", "--out", resumed.toString());
        Map<String, Tensor> a = SafeTensors.read(straight.resolve("checkpoint.safetensors"));
        Map<String, Tensor> b = SafeTensors.read(resumed.resolve("checkpoint.safetensors"));
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), k);
        }
    }

    @Test
    void badDataIsOneLineAndExitTwo() throws IOException {
        Path noTargets = tmp.resolve("none.jsonl");
        Files.writeString(noTargets, "{\"text\": \"abc\"}\n{\"text\": \"de\"}\n");
        Path ragged = tmp.resolve("ragged.jsonl");
        Files.writeString(ragged, "{\"x\": [[1, 2]], \"y\": 1}\n{\"x\": [[1, 2, 3]], \"y\": 2}\n");
        Path out = tmp.resolve("bad-run");
        assertBad(noTargets + ": has no targets; the classify task trains on \"label\"", "train", "--data", noTargets.toString(), "--task", "classify",
                "--steps", "1", "--out", out.toString());
        assertBad(ragged + ":2: has 3 features per step, but line 1 has 2", "train", "--data", ragged.toString(), "--task", "regress", "--steps", "1",
                "--out", out.toString());
        assertBad("--data needs --task classify, regress, forecast, label or lm", "train", "--data", first.toString(), "--steps", "1", "--out", out.toString());
        assertBad("--task classify learns from sequences of your own: give --data FILE", "train", "--task", "classify", "--steps", "1", "--out", out.toString());
        assertBad("unknown task 'tag'", "train", "--data", first.toString(), "--task", "tag", "--steps", "1", "--out", out.toString());
        assertBad("a language model learns from \"text\" or \"tokens\" in JSON Lines", "train", "--data", tmp.resolve("x.csv").toString(), "--task", "lm",
                "--steps", "1", "--out", out.toString());
        assertBad("name its feature columns with --features", "train", "--data", tmp.resolve("x.csv").toString(), "--task", "classify", "--target", "y",
                "--steps", "1", "--out", out.toString());
        assertTrue(Files.notExists(out.resolve("checkpoint.safetensors")));
    }

    @Test
    void badFilesForAModelAreNamedAndNothingIsWritten() throws IOException {
        Path run = tmp.resolve("small-run");
        ok("train", "--data", first.toString(), "--task", "classify", "--hidden", "4", "--steps", "5", "--out", run.toString());
        Path vectors = tmp.resolve("vectors.jsonl");
        Files.writeString(vectors, "{\"x\": [[1, 2]], \"label\": \"a\"}\n");
        Path empty = tmp.resolve("empty-seq.jsonl");
        Files.writeString(empty, "{\"tokens\": [\"a\"], \"label\": \"a\"}\n{\"tokens\": [], \"label\": \"a\"}\n");
        Path nan = tmp.resolve("nan.jsonl");
        Files.writeString(nan, "{\"x\": [[1, NaN]], \"y\": 1}\n");
        Path unlabelled = tmp.resolve("unlabelled.jsonl");
        Files.writeString(unlabelled, "{\"tokens\": [\"a\", \"b\"]}\n");
        Path predictions = tmp.resolve("never.csv");
        assertBad(vectors + ": holds \"x\" sequences, and the model reads \"tokens\"", "eval", "--model", run.toString(), "--data", vectors.toString());
        assertBad(empty + ":2: has an empty sequence", "eval", "--model", run.toString(), "--data", empty.toString());
        assertBad(nan + ":1: is not valid JSON", "train", "--data", nan.toString(), "--task", "regress", "--steps", "1", "--out", tmp.resolve("nan-run").toString());
        assertBad(unlabelled + ": has no targets, and a classify model needs \"label\"", "eval", "--model", run.toString(), "--data", unlabelled.toString());
        assertBad("score one with --data FILE", "eval", "--model", run.toString());
        assertBad(tmp.resolve("missing.jsonl") + ": no such file", "predict", "--model", run.toString(), "--data", tmp.resolve("missing.jsonl").toString(),
                "--out", predictions.toString());
        assertBad(vectors + ": holds \"x\" sequences", "predict", "--model", run.toString(), "--data", vectors.toString(), "--out", predictions.toString());
        assertTrue(Files.notExists(predictions));
        ok("predict", "--model", run.toString(), "--data", unlabelled.toString(), "--out", predictions.toString());
        assertEquals(2, Files.readAllLines(predictions).size());

        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "seq,f0,kind\ns1,0.5,a\ns1,abc,a\n");
        assertBad(csv + ":3: column 'f0' holds 'abc', not a number", "train", "--data", csv.toString(), "--task", "classify", "--id", "seq",
                "--features", "f0", "--target", "kind", "--steps", "1", "--out", tmp.resolve("csv-bad").toString());
        assertBad(csv + ": has no feature column 'f9'", "train", "--data", csv.toString(), "--task", "classify", "--id", "seq",
                "--features", "f9", "--target", "kind", "--steps", "1", "--out", tmp.resolve("csv-bad").toString());
        assertTrue(Files.notExists(tmp.resolve("csv-bad")) || Files.notExists(tmp.resolve("csv-bad").resolve("checkpoint.safetensors")));
    }

    private static void assertBad(String message, String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(message), run.err());
        assertEquals(1, run.err().trim().split("\n").length, run.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
