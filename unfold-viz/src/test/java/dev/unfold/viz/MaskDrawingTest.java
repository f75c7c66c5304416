package dev.unfold.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Dropout and zoneout masks in the drawings: a variational mask is one node with an edge to every step, as a shared parameter is. */
class MaskDrawingTest {
    static final int STEPS = 5;

    static Graph graph(RecurrentSpec spec, Regularization reg, Phase phase) {
        GraphBuilder b = new GraphBuilder();
        new RecurrentNetwork(spec).unfold(b, STEPS, 2, DType.F32, reg, phase, new ArrayList<>());
        return b.build();
    }

    @Test
    void aVariationalMaskIsOneNodeReadByTheCellOfEveryStep() {
        UnfoldedView view = UnfoldedView.of(graph(new RecurrentSpec(CellType.LSTM, 2, 3, 2, RecurrentSpec.Directions.ONE),
                new Regularization(0, 0.3, 0), Phase.TRAINING));
        List<UnfoldedView.Mask> shared = view.masks().stream().filter(UnfoldedView.Mask::shared).toList();
        assertEquals(4, shared.size(), "input and state masks of two layers");
        for (UnfoldedView.Mask m : shared) {
            assertEquals(STEPS, m.readers().size(), m.node().name());
            assertEquals(STEPS, m.readers().stream().map(UnfoldedView.Cell::step).distinct().count(), m.node().name());
            assertEquals(1, m.readers().stream().map(c -> c.row().index()).distinct().count(), "one layer's row: " + m.node().name());
        }
        assertTrue(view.links().stream().noneMatch(l -> l.initial().map(n -> n.name().startsWith("mask")).orElse(false)),
                "a mask is no initial state");
        String svg = SvgDrawing.render(view, Detail.STEP);
        for (UnfoldedView.Mask m : shared) {
            assertEquals(1, count(svg, "class=\"node mask shared\" data-step=\"-1\" data-node=\"" + m.node().id() + "\""), "one node: " + m.node().name());
            assertEquals(STEPS, count(svg, "data-mask=\"" + m.node().name() + "\""), "an edge to each step: " + m.node().name());
        }
        String dot = DotWriter.write(view, Detail.STEP);
        for (UnfoldedView.Mask m : shared) {
            assertEquals(1, count(dot, "  mask_" + m.node().id() + " ["));
            assertEquals(STEPS, count(dot, "  mask_" + m.node().id() + " -> "));
        }
        String text = TextListing.unfolded(view.graph());
        assertTrue(text.contains("shared masks"), text);
        assertTrue(text.matches("(?s).*mask_h_l1 +\\[2, 3\\] +5 uses, steps 0,1,2,3,4.*"), text);
    }

    @Test
    void perStepMasksBelongToTheirStep() {
        UnfoldedView view = UnfoldedView.of(graph(new RecurrentSpec(CellType.GRU, 2, 3, 2, RecurrentSpec.Directions.ONE),
                new Regularization(0.2, 0, 0.1), Phase.TRAINING));
        List<UnfoldedView.Mask> masks = view.masks();
        assertEquals(STEPS * (1 + 2), masks.size(), "a dropout mask between the layers and a zoneout mask per layer, at each step");
        for (UnfoldedView.Mask m : masks) {
            assertFalse(m.shared());
            assertEquals(1, m.readers().size());
            assertEquals(m.node().step(), m.readers().get(0).step());
        }
        String svg = SvgDrawing.render(view, Detail.STEP);
        assertEquals(STEPS * 3, count(svg, "class=\"node mask\""));
        assertEquals(STEPS * 2, count(svg, ">z</text>"));
    }

    @Test
    void anEvaluationGraphHasNoMasks() {
        UnfoldedView view = UnfoldedView.of(graph(new RecurrentSpec(CellType.LSTM, 2, 3, 2, RecurrentSpec.Directions.ONE),
                new Regularization(0.2, 0.3, 0.1), Phase.EVALUATION));
        assertTrue(view.masks().isEmpty());
        assertFalse(SvgDrawing.render(view, Detail.CELL).contains("mask"));
    }

    @Test
    void graphvizRendersTheMasks() throws IOException, InterruptedException {
        for (Detail detail : Detail.values()) {
            String dot = DotWriter.write(UnfoldedView.of(graph(new RecurrentSpec(CellType.LSTM, 2, 3, 2, RecurrentSpec.Directions.BOTH),
                    new Regularization(0.2, 0.3, 0.1), Phase.TRAINING)), detail);
            Process p = new ProcessBuilder("dot", "-Tsvg").redirectErrorStream(true).start();
            p.getOutputStream().write(dot.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "dot finished");
            assertEquals(0, p.exitValue(), out);
            assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("warning"), out);
        }
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
