package dev.unfold.nn;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.GradCheck;
import dev.unfold.graph.Graph;
import dev.unfold.tensor.DType;
import dev.unfold.testkit.Fixtures;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BPTT through every cell, stacked and bidirectional, against central differences. */
class CellGradCheckTest {
    static Stream<Arguments> networks() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (CellType type : CellType.values()) {
            s.add(Arguments.of(type, 1, RecurrentSpec.Directions.ONE));
            s.add(Arguments.of(type, 2, RecurrentSpec.Directions.ONE));
            s.add(Arguments.of(type, 2, RecurrentSpec.Directions.BOTH));
        }
        return s.build();
    }

    @ParameterizedTest(name = "{0}, {1} layers, {2} direction(s)")
    @MethodSource("networks")
    void bpttMatchesFiniteDifferences(CellType type, int layers, RecurrentSpec.Directions dirs) {
        RecurrentSpec spec = new RecurrentSpec(type, 2, 3, layers, dirs);
        Graph g = ProbeGraph.build(spec, 3, 2, DType.F64);
        GradCheck.Report report = assertGradientsMatch(g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
        long params = report.entries().stream().filter(e -> e.kind() == dev.unfold.op.Leaf.Kind.PARAMETER).count();
        assertTrue(params == new RecurrentNetwork(spec).parameters().size(), "every parameter was checked");
        assertTrue(report.entries().stream().anyMatch(e -> e.name().equals("x[0]")), "the first input was checked");
        assertTrue(report.entries().stream().anyMatch(e -> e.name().startsWith(type == CellType.JORDAN ? "o0" : "h0")),
                "the initial state was checked");
    }
}
