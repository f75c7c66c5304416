package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A value computed twice, the same op of the same inputs, is computed once and copied. */
class RepeatedValuesTest {
    private static final Shape SHAPE = Shape.of(3, 6);

    @Test
    void theSecondOfTwoEqualValuesIsACopyOfTheFirst() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var y = b.input("y", SHAPE, DType.F32);
        Var first = b.sigmoid(x);
        Var second = b.sigmoid(x);
        Var other = b.tanh(x);
        b.output("loss", b.sum(b.add(b.mul(first, y), b.add(second, other))));
        Graph g = b.build();
        Feeds feeds = Feeds.byLabel(g, Fixtures.randomFeeds(g, Fixtures.rng()));
        int loss = g.output("loss").id();
        ExecutionProfile profile = new ExecutionProfile();
        Tensor actual = CompiledExecutor.profiling(profile).run(g, feeds, Set.of(loss)).get(loss);
        assertEquals(0.0, TensorFormat.maxMixedError(actual, Interpreter.run(g, feeds).get(loss)));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals(1L, runs.get("sigmoid"), runs.toString());
        assertEquals(1L, runs.get(RepeatedValues.KIND), runs.toString());
        assertEquals(1L, runs.get("tanh"), "another op of the same input is not a repeat: " + runs);
    }

    /** Both biases of each LSTM step take their gradient from one sum of the gate gradients over the batch. */
    @Test
    void bothBiasesOfAStepShareOneSumOverTheBatch() {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 4, 1, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 5);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        Map<String, Long> runs = ProfiledRuns.ofGradients(g, feeds);
        assertEquals((long) steps, runs.get("sum→[16]"), runs.toString());
        assertEquals((long) steps, runs.get(RepeatedValues.KIND), runs.toString());
    }
}
