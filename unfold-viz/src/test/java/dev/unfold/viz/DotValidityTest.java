package dev.unfold.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Graphviz's {@code dot} accepts every DOT drawing (the test needs Debian's graphviz, which the test script installs). */
class DotValidityTest {
    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} detail={3}")
    @CsvSource({"RNN_TANH,1,false,STEP", "LSTM,2,false,CELL", "GRU,2,true,STEP", "JORDAN,1,false,CELL", "RNN_RELU,1,true,CELL"})
    void graphvizRendersIt(CellType cell, int layers, boolean bidirectional, Detail detail) throws IOException, InterruptedException {
        RecurrentSpec spec = new RecurrentSpec(cell, 2, 3, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        String dot = DotWriter.write(UnfoldedView.of(DrawingGoldenTest.graph(spec)), detail);
        Process p = new ProcessBuilder("dot", "-Tsvg").redirectErrorStream(true).start();
        p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dot finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("<svg"), out);
        assertTrue(!out.toLowerCase(java.util.Locale.ROOT).contains("warning") && !out.contains("Error"), out);
    }
}
