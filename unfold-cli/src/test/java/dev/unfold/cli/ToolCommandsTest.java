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
}
