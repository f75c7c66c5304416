package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.CellType;
import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.HashMap;
import java.util.HashSet;
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
        Map<String, Long> runs = runs(profile);
        assertEquals(1L, runs.get("sigmoid"), runs.toString());
        assertEquals(1L, runs.get(RepeatedValues.KIND), runs.toString());
        assertEquals(1L, runs.get("tanh"), "another op of the same input is not a repeat: " + runs);
    }

    /** Both biases of each LSTM step take their gradient from one sum of the gate gradients over the batch. */
    @Test
    void bothBiasesOfAStepShareOneSumOverTheBatch() {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 4, 1, steps);
        Map<String, Tensor> feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        for (int t = 0; t < steps; t++) {
            int step = t;
            feeds.put("in[" + t + "]", Tensor.generate(DType.F32, Shape.of(3), i -> (i + step) % 7));
            feeds.put("target[" + t + "]", Tensor.generate(DType.F32, Shape.of(3), i -> (5 * i + step) % 7));
        }
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        Vjp.Gradients grads = Vjp.of(g, "loss");
        Set<Integer> keep = new HashSet<>();
        g.nodes().stream().filter(n -> n.is(Leaf.Kind.PARAMETER)).forEach(n -> keep.add(grads.gradOf(n.id())));
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.profiling(profile).run(grads.graph(), Feeds.byLabel(g, feeds), keep);
        Map<String, Long> runs = runs(profile);
        assertEquals((long) steps, runs.get("sum→[16]"), runs.toString());
        assertEquals((long) steps, runs.get(RepeatedValues.KIND), runs.toString());
    }

    private static Map<String, Long> runs(ExecutionProfile profile) {
        Map<String, Long> runs = new HashMap<>();
        profile.entries().forEach(e -> runs.put(e.kind(), e.runs()));
        return runs;
    }
}
