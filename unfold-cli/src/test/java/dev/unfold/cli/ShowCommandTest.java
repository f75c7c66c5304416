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
}
