package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plot}, {@code flow}, {@code info} and {@code bench}: what they write, and their answers to bad input. */
class ToolCommandsTest {
    @TempDir
    Path tmp;

    private Path trainedTask() {
        Path out = tmp.resolve("adding");
        CliRun train = CliRun.of("train", "--task", "adding", "--length", "12", "--hidden", "6", "--batch", "8", "--steps", "20",
                "--log-every", "2", "--eval-every", "10", "--out", out.toString());
        assertEquals(0, train.exitCode(), train.err());
        return out;
    }

    @Test
    void plotWritesPngAndSvgCurves() throws IOException {
        Path run = trainedTask();
        CliRun plot = CliRun.of("plot", "--model", run.toString());
        assertEquals(0, plot.exitCode(), plot.err());
        byte[] png = Files.readAllBytes(run.resolve("loss.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG image");
        String svg = Files.readString(run.resolve("loss-time.svg"));
        assertTrue(svg.contains("<polyline") && svg.contains("validation"), "training and validation curves");
        assertEquals(UnfoldCommand.BAD_INPUT, CliRun.of("plot", "--model", tmp.resolve("empty").toString()).exitCode());
    }

    @Test
    void flowPrintsOneRowPerStep() {
        Path run = trainedTask();
        CliRun flow = CliRun.of("flow", "--model", run.toString());
        assertEquals(0, flow.exitCode(), flow.err());
        assertTrue(flow.out().contains("|dL/dh_t|"), flow.out());
        assertEquals(12, flow.out().lines().filter(l -> l.matches("\\s+\\d+\\s+\\S+\\s+\\S+")).count(), flow.out());
        CliRun bad = CliRun.of("flow", "--model", run.toString(), "--every", "0");
        assertEquals(UnfoldCommand.BAD_INPUT, bad.exitCode(), bad.err());
    }

    @Test
    void infoNamesTheKernelPath() {
        CliRun info = CliRun.of("info");
        assertEquals(0, info.exitCode());
        assertTrue(info.out().contains("gemm (float32, active): "), info.out());
    }

    /** The fast kernels are a promise of the default build on Linux x86-64: losing them must not go unseen. */
    @Test
    void onLinuxX86TheActiveKernelIsOneDnn() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64") && System.getenv("UNFOLD_GEMM") == null);
        CliRun info = CliRun.of("info");
        assertTrue(info.out().contains("gemm (float32, active): onednn"), info.out());
    }

    @Test
    void benchRunsAConfigurationAndRejectsUnknownOnes() {
        CliRun bench = CliRun.of("bench", "rnn_h100_b1_t25", "--mode", "infer", "--repetitions", "1", "--seconds", "0.2");
        assertEquals(0, bench.exitCode(), bench.err());
        String last = bench.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("tokens_per_s=\\d+"), last);
        assertTrue(bench.out().contains("peak_rss_mb="), bench.out());
        assertEquals(UnfoldCommand.BAD_INPUT, CliRun.of("bench", "lstm_h1").exitCode());
        assertEquals(UnfoldCommand.BAD_INPUT, CliRun.of("bench", "rnn_h100_b1_t25", "--mode", "fast").exitCode());
        CliRun zero = CliRun.of("bench", "rnn_h100_b1_t25", "--threads", "0");
        assertEquals(UnfoldCommand.BAD_INPUT, zero.exitCode());
        assertTrue(zero.err().contains("--threads"), zero.err());
    }

    /** bf16 where the backend runs it (named in the header line), bad input where it does not; the process goes back to f32. */
    @Test
    void benchRunsInBfloat16WhereTheBackendCan() {
        CliRun bench = CliRun.of("bench", "gru_h256_b32_t64", "--mode", "infer", "--precision", "bf16", "--repetitions", "1", "--seconds", "0.2");
        if (dev.unfold.kernel.Gemm.backends().active().supportsBf16()) {
            assertEquals(0, bench.exitCode(), bench.err());
            assertTrue(bench.out().lines().findFirst().orElseThrow().endsWith(" precision=bf16"), bench.out());
        } else {
            assertEquals(UnfoldCommand.BAD_INPUT, bench.exitCode());
            assertTrue(bench.err().contains("--precision bf16"), bench.err());
        }
        assertEquals(dev.unfold.kernel.Gemm.Precision.F32, dev.unfold.kernel.Gemm.precision());
        CliRun unknown = CliRun.of("bench", "gru_h256_b32_t64", "--precision", "fp8");
        assertEquals(UnfoldCommand.BAD_INPUT, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown precision 'fp8'"), unknown.err());
    }

    @Test
    void benchStepPrintsTheLatencyOfOneStep() {
        CliRun bench = CliRun.of("bench", "lstm_h256_b32_t64", "--mode", "step", "--seconds", "0.2");
        assertEquals(0, bench.exitCode(), bench.err());
        java.util.regex.Matcher p50 = java.util.regex.Pattern.compile("(?m)^p50_us=(\\d+\\.\\d)$").matcher(bench.out());
        java.util.regex.Matcher p99 = java.util.regex.Pattern.compile("(?m)^p99_us=(\\d+\\.\\d)$").matcher(bench.out());
        assertTrue(p50.find() && p99.find(), bench.out());
        assertTrue(Double.parseDouble(p50.group(1)) > 0 && Double.parseDouble(p99.group(1)) >= Double.parseDouble(p50.group(1)), bench.out());
        assertTrue(bench.out().contains("mode=step batch=1"), bench.out());
    }

    @Test
    void benchProfilesShards() {
        CliRun bench = CliRun.of("bench", "gru_h256_b32_t64", "--mode", "train", "--threads", "2", "--profile",
                "--repetitions", "1", "--seconds", "0.2");
        assertEquals(0, bench.exitCode(), bench.err());
        String out = bench.out();
        assertTrue(out.contains("workers=2"), out);
        assertTrue(out.contains("profile kind=\"sigmoid\""), out);
        assertTrue(out.contains("profile kind=\"MatMul, embedding projected\""), out);
        assertTrue(out.contains("profile kind=\"outside the executor\""), out);
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("tokens_per_s=\\d+"), last);
    }

    /** The command line in a process of its own, in {@code dir}, with {@code env} added: stdout and stderr, and the exit code. */
    static CliRun subprocess(Path dir, java.util.Map<String, String> env, String shellPrefix, String... args) throws IOException, InterruptedException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), UnfoldCommand.class.getName()));
        command.addAll(java.util.List.of(args));
        if (!shellPrefix.isEmpty()) {
            String joined = command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(java.util.stream.Collectors.joining(" "));
            command = java.util.List.of("sh", "-c", shellPrefix + " exec " + joined);
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new CliRun(code, Files.readString(out), Files.readString(err));
    }

    @Test
    void anUnknownGemmBackendIsAnErrorThatNamesTheAvailableOnes() throws Exception {
        CliRun run = subprocess(tmp, java.util.Map.of("UNFOLD_GEMM", "bogus"), "", "info");
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("UNFOLD_GEMM=bogus names no GEMM backend that works here; available: ") && run.err().contains("java"), run.err());
        assertEquals(0, subprocess(tmp, java.util.Map.of("UNFOLD_GEMM", "bogus"), "", "--help").exitCode(), "help still answers");
    }

    @Test
    void anUnknownLstmGateKernelIsAnErrorThatNamesTheAvailableOnes() throws Exception {
        CliRun run = subprocess(tmp, java.util.Map.of("UNFOLD_LSTM_GATES", "bogus"), "", "info");
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("UNFOLD_LSTM_GATES=bogus names no LSTM gate kernel that works here; available: ") && run.err().contains("java"),
                run.err());
        CliRun passes = subprocess(tmp, java.util.Map.of("UNFOLD_LSTM_GATES", "java"), "", "info");
        assertEquals(0, passes.exitCode(), passes.err());
        assertTrue(passes.out().contains("lstm gates (active): java passes"), passes.out());
    }

    @Test
    void anUnknownSoftmaxKernelIsAnErrorThatNamesTheAvailableOnes() throws Exception {
        CliRun run = subprocess(tmp, java.util.Map.of("UNFOLD_SOFTMAX", "bogus"), "", "info");
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("UNFOLD_SOFTMAX=bogus names no softmax kernel that works here; available: ") && run.err().contains("java"),
                run.err());
        CliRun passes = subprocess(tmp, java.util.Map.of("UNFOLD_SOFTMAX", "java"), "", "info");
        assertEquals(0, passes.exitCode(), passes.err());
        assertTrue(passes.out().contains("softmax (active): java passes"), passes.out());
    }

    @Test
    void outputFilesFollowTheUmask() throws Exception {
        CliRun run = subprocess(tmp, java.util.Map.of(), "umask 077;", "show", "--cell", "rnn_tanh", "--format", "dot", "--out", "g.dot");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("g.dot"))));
        run = subprocess(tmp, java.util.Map.of(), "umask 022;", "show", "--cell", "rnn_tanh", "--format", "dot", "--out", "h.dot");
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("h.dot"))));
    }

    @Test
    void aRunStartedWithARelativeTextResumesFromAnotherFolder() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("t.txt"), "And God said, Let there be light: and there was light.\n".repeat(60));
        String[] common = {"--hidden", "8", "--embed", "4", "--seq", "8", "--batch", "4"};
        java.util.List<String> first = new java.util.ArrayList<>(java.util.List.of("train", "--text", "t.txt", "--steps", "3", "--out", "run"));
        first.addAll(java.util.List.of(common));
        CliRun started = subprocess(a, java.util.Map.of(), "", first.toArray(String[]::new));
        assertEquals(0, started.exitCode(), started.err());
        CliRun resumed = subprocess(b, java.util.Map.of(), "", "train", "--resume", "--steps", "5", "--out", a.resolve("run").toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("finished after 5 updates"), resumed.out());
    }
}
