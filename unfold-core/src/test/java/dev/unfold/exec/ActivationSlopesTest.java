package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
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

/** The VJPs of σ and tanh in one pass each, held to the interpreter's three passes. */
class ActivationSlopesTest {
    private static final Shape SHAPE = Shape.of(5, 7);

    /** The same products and affine map in the same order: the gradient is the interpreter's bit for bit. */
    @Test
    void eachSlopeIsOnePassAndTheGradientIsTheSameBitForBit() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var w = b.input("w", SHAPE, DType.F32);
        b.output("loss", b.sum(b.mul(w, b.tanh(b.sigmoid(x)))));
        Graph g = b.build();
        Feeds feeds = Feeds.byLabel(g, Fixtures.randomFeeds(g, Fixtures.rng()));
        Vjp.Gradients grads = Vjp.of(g, "loss");
        int dx = grads.gradOf(g.find("x").orElseThrow().id());
        ExecutionProfile profile = new ExecutionProfile();
        Tensor actual = CompiledExecutor.profiling(profile).run(grads.graph(), feeds, Set.of(dx)).get(dx);
        Tensor expected = Interpreter.run(grads.graph(), feeds).get(dx);
        assertEquals(0.0, TensorFormat.maxMixedError(actual, expected), "dx: " + actual + " against " + expected);
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals(1L, runs.get(ActivationSlopes.SIGMOID), runs.toString());
        assertEquals(1L, runs.get(ActivationSlopes.TANH), runs.toString());
        assertFalse(runs.containsKey("1-x"), "no affine map of its own: " + runs);
    }

    /** A slope another value also reads is computed on its own, and the gradient still agrees. */
    @Test
    void aSlopeReadElsewhereIsNotFolded() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var y = b.sigmoid(x);
        Var slope = b.mul(y, b.affine(-1, 1, y));
        Var g = b.input("g", SHAPE, DType.F32);
        b.output("loss", b.sum(b.add(b.mul(g, slope), b.mul(slope, slope))));
        Graph graph = b.build();
        Map<String, Tensor> feeds = Fixtures.randomFeeds(graph, Fixtures.rng());
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), graph, "loss", feeds);
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.profiling(profile).run(graph, Feeds.byLabel(graph, feeds), Set.of(graph.output("loss").id()));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertFalse(runs.containsKey(ActivationSlopes.SIGMOID), runs.toString());
    }

    /** Every cell's window: each σ and tanh of every step has its slope in one pass, and the gradients agree. */
    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "RNN_TANH", "GRU"})
    void everyStepsActivationsTakeTheirSlopesInOnePass(CellType cell) {
        int steps = 4;
        Graph g = TokenSumsTest.embeddedWindow(cell, 5, 2, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 5);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        Map<String, Long> runs = ProfiledRuns.ofGradients(g, feeds);
        long sigmoids = g.nodes().stream().filter(n -> n.op() instanceof dev.unfold.op.Sigmoid).count();
        long tanhs = g.nodes().stream().filter(n -> n.op() instanceof dev.unfold.op.Tanh).count();
        assertEquals(sigmoids, runs.getOrDefault(ActivationSlopes.SIGMOID, 0L), runs.toString());
        assertEquals(tanhs, runs.getOrDefault(ActivationSlopes.TANH, 0L), runs.toString());
        assertTrue(sigmoids + tanhs > 0);
    }

    /** A gradient that is a product read by the slope alone is made in the slope's pass, the same bit for bit. */
    @Test
    void aProductGradientIsMadeInTheSlopesPass() {
        for (boolean readElsewhere : new boolean[] {false, true}) {
            GraphBuilder b = new GraphBuilder();
            Var x = b.input("x", SHAPE, DType.F32);
            Var p = b.input("p", SHAPE, DType.F32);
            Var q = b.input("q", SHAPE, DType.F32);
            Var y = b.sigmoid(x);
            Var pq = b.mul(p, q);
            Var dx = b.mul(pq, b.mul(y, b.affine(-1, 1, y)));
            b.output("dx", readElsewhere ? b.add(dx, pq) : dx);
            Graph g = b.build();
            Feeds feeds = Feeds.byLabel(g, Fixtures.randomFeeds(g, Fixtures.rng()));
            int out = g.output("dx").id();
            ExecutionProfile profile = new ExecutionProfile();
            Tensor actual = CompiledExecutor.profiling(profile).run(g, feeds, Set.of(out)).get(out);
            Tensor expected = Interpreter.run(g, feeds).get(out);
            assertEquals(0.0, TensorFormat.maxMixedError(actual, expected), "dx: " + actual + " against " + expected);
            Map<String, Long> runs = ProfiledRuns.of(profile);
            assertEquals(1L, runs.get(ActivationSlopes.SIGMOID), runs.toString());
            assertEquals(readElsewhere ? 1L : 0L, runs.getOrDefault("mul", 0L), "p ⊙ q stored only when read elsewhere: " + runs);
        }
    }

    /**
     * An LSTM step's backward: dh′ ⊙ tanh c′, dh′ ⊙ o, dc′ ⊙ g, dc′ ⊙ i and dc′ ⊙ c are made in the slopes' passes; of the
     * step's products only dc′ ⊙ f, read by the step before, is stored. The other products left are the forward's
     * h′ = o ⊙ tanh c′ and each step's loss gradient times dL's scale, one a step each (the core has no gate kernel).
     */
    @Test
    void anLstmStepsBackwardStoresOneProduct() {
        int steps = 4;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 5, 1, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 6);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        Map<String, Long> runs = ProfiledRuns.ofGradients(g, feeds);
        assertEquals(steps + steps + (steps - 1), runs.getOrDefault("mul", 0L), runs.toString());
    }
}
