package dev.unfold.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listsFoldedAndUnfoldedGraphs() {
        CliRun run = CliRun.of("show", "--cell", "lstm", "--steps", "4", "--layers", "2");
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("folded graph 'lstm'"), out);
        assertTrue(out.contains("--[delay]-->"), out);
        assertTrue(out.contains("unfolded graph: 4 steps"), out);
        assertTrue(out.contains("step 3:"), out);
        assertTrue(out.matches("(?s).*weight_hh_l1\\s+\\[12, 3]\\s+4 uses, steps 0,1,2,3.*"), out);
    }

    @Test
    void writesToAFile() throws IOException {
        Path file = tmp.resolve("g.txt");
        CliRun run = CliRun.of("show", "--cell", "gru", "--bidirectional", "--out", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.readString(file).contains("l0_reverse/h"));
    }

    @Test
    void everyFormatWrites() throws IOException {
        for (String format : new String[] {"text", "dot", "svg", "html"}) {
            Path file = tmp.resolve("g." + format);
            CliRun run = CliRun.of("show", "--cell", "rnn_tanh", "--steps", "3", "--format", format, "--out", file.toString());
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(Files.size(file) > 100, format);
        }
        assertTrue(Files.readString(tmp.resolve("g.html")).contains("<svg"));
        assertTrue(!Files.readString(tmp.resolve("g.html")).contains("src=\"http"), "nothing fetched at view time");
    }

    @Test
    void drawsTheMasksOfATrainingGraphAndNoneOfAnEvaluationGraph() throws IOException {
        for (String format : new String[] {"text", "dot", "svg", "html"}) {
            Path file = tmp.resolve("m." + format);
            CliRun run = CliRun.of("show", "--cell", "lstm", "--steps", "4", "--layers", "2", "--variational-dropout", "0.3", "--dropout", "0.2",
                    "--zoneout", "0.1", "--format", format, "--out", file.toString());
            assertEquals(0, run.exitCode(), run.err());
            String drawn = Files.readString(file);
            assertTrue(drawn.contains("mask_h_l1"), format);
            Path eval = tmp.resolve("e." + format);
            assertEquals(0, CliRun.of("show", "--cell", "lstm", "--steps", "4", "--layers", "2", "--variational-dropout", "0.3", "--dropout", "0.2",
                    "--zoneout", "0.1", "--phase", "evaluation", "--format", format, "--out", eval.toString()).exitCode());
            assertTrue(!Files.readString(eval).contains("mask_"), format);
        }
        String text = Files.readString(tmp.resolve("m.text"));
        assertTrue(text.contains("shared    mask_x [2, 2], mask_h [2, 3] (the same at every step)"), text);
        assertTrue(text.matches("(?s).*mask_x_l0\\s+\\[2, 2]\\s+4 uses, steps 0,1,2,3.*"), text);
        String svg = Files.readString(tmp.resolve("m.svg"));
        assertEquals(4, svg.split("data-mask=\"mask_h_l0\"", -1).length - 1, "one edge from the one mask to each step");
    }

    @Test
    void badInput() {
        assertBad(CliRun.of("show", "--cell", "lstm", "--steps", "0"), "--steps must be between 1 and 10000");
        assertBad(CliRun.of("show", "--cell", "lstm", "--steps", "1000000"), "--steps must be between 1 and 10000");
        assertBad(CliRun.of("show", "--cell", "nope"), "unknown cell 'nope'");
        assertBad(CliRun.of("show", "--cell", "lstm", "--format", "pdf"), "Invalid value for option '--format'");
        assertBad(CliRun.of("show", "--cell", "lstm", "--format", "svg", "--out", tmp.resolve("missing/dir/g.svg").toString()), "does not exist");
    }

    private static void assertBad(CliRun run, String message) {
        assertEquals(UnfoldCommand.BAD_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().contains(message), run.err());
    }
}
