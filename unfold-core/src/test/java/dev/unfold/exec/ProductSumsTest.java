package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.CellType;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A sum of two element-wise products in one pass, held to the interpreter's three. */
class ProductSumsTest {
    private static final Shape SHAPE = Shape.of(4, 9);

    @Test
    void theSumOfTwoProductsIsOnePassAndTheSameBitForBit() {
        GraphBuilder b = new GraphBuilder();
        Var f = b.input("f", SHAPE, DType.F32);
        Var c = b.input("c", SHAPE, DType.F32);
        Var i = b.input("i", SHAPE, DType.F32);
        Var g = b.input("g", SHAPE, DType.F32);
        Var next = b.add(b.mul(f, c), b.mul(i, g));
        b.output("next", next);
        b.output("loss", b.sum(b.tanh(next)));
        Graph graph = b.build();
        Feeds feeds = Feeds.byLabel(graph, Fixtures.randomFeeds(graph, Fixtures.rng()));
        int out = graph.output("next").id();
        ExecutionProfile profile = new ExecutionProfile();
        Tensor actual = CompiledExecutor.profiling(profile).run(graph, feeds, Set.of(out)).get(out);
        assertEquals(0.0, TensorFormat.maxMixedError(actual, Interpreter.run(graph, feeds).get(out)));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals(1L, runs.get(ProductSums.KIND), runs.toString());
        assertFalse(runs.containsKey("mul"), runs.toString());
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), graph, "loss", Fixtures.randomFeeds(graph, Fixtures.rng()));
    }

    @Test
    void aProductReadElsewhereIsComputedOnItsOwn() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var y = b.input("y", SHAPE, DType.F32);
        Var xy = b.mul(x, y);
        b.output("loss", b.sum(b.add(b.add(xy, b.mul(y, y)), b.sigmoid(xy))));
        Graph graph = b.build();
        Map<String, Tensor> feeds = Fixtures.randomFeeds(graph, Fixtures.rng());
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), graph, "loss", feeds);
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.profiling(profile).run(graph, Feeds.byLabel(graph, feeds), Set.of(graph.output("loss").id()));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertFalse(runs.containsKey(ProductSums.KIND), runs.toString());
    }

    /** An LSTM's c′ and a GRU's h′, every step, forward and backward. */
    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void everyStepsNewStateIsOnePass(CellType cell) {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(cell, 4, 1, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 5);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.profiling(profile).run(g, Feeds.byLabel(g, feeds), Set.of(g.output("loss").id()));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertTrue(runs.getOrDefault(ProductSums.KIND, 0L) >= steps, runs.toString());
    }
}
