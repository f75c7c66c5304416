package dev.unfold.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drawings are deterministic and match reviewed golden files, for a small Elman network and a 2-layer
 * LSTM at T=3. To accept a deliberate change, run with {@code -Dunfold.golden.update=true} and review the
 * diff of {@code src/test/resources/golden}.
 */
class DrawingGoldenTest {
    static Stream<Arguments> drawings() {
        return Stream.of(
                Arguments.of("elman-t3", new RecurrentSpec(CellType.RNN_TANH, 2, 3, 1, RecurrentSpec.Directions.ONE), Detail.STEP),
                Arguments.of("lstm2-t3", new RecurrentSpec(CellType.LSTM, 2, 3, 2, RecurrentSpec.Directions.ONE), Detail.STEP),
                Arguments.of("lstm2-t3-cell", new RecurrentSpec(CellType.LSTM, 2, 3, 2, RecurrentSpec.Directions.ONE), Detail.CELL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drawings")
    void svgAndDotMatchTheGoldenFiles(String name, RecurrentSpec spec, Detail detail) throws IOException {
        UnfoldedView view = UnfoldedView.of(graph(spec));
        String svg = SvgDrawing.render(view, detail);
        String dot = DotWriter.write(view, detail);
        assertEquals(svg, SvgDrawing.render(UnfoldedView.of(graph(spec)), detail), "same input, same bytes");
        assertEquals(dot, DotWriter.write(UnfoldedView.of(graph(spec)), detail), "same input, same bytes");
        assertGolden(name + ".svg", svg);
        assertGolden(name + ".dot", dot);
        assertEquals(3, svg.split("class=\"step\"", -1).length - 1, "one step group per time step");
    }

    static Graph graph(RecurrentSpec spec) {
        GraphBuilder b = new GraphBuilder();
        new RecurrentNetwork(spec).unfold(b, 3, 1, DType.F32);
        return b.build();
    }

    private static void assertGolden(String file, String actual) throws IOException {
        if (Boolean.getBoolean("unfold.golden.update")) {
            Files.writeString(Path.of("src/test/resources/golden", file), actual);
            return;
        }
        try (InputStream in = DrawingGoldenTest.class.getResourceAsStream("/golden/" + file)) {
            assertTrue(in != null, "golden file " + file + " is missing; run with -Dunfold.golden.update=true and review it");
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, file);
        }
    }
}
