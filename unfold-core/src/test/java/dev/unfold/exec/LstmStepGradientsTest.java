package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import dev.unfold.testkit.JavaLstmGates;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An LSTM step's backward element-wise work as one kernel call, held to the interpreter's dozen ops bit for bit. */
class LstmStepGradientsTest {
    private static final int ROWS = 3;
    private static final int HIDDEN = 5;

    /** One step's element-wise work alone, h′ and c′ read by the loss through products, dh′ a sum of two terms or not. */
    private record Step(Graph graph, Var z, Var c, Var cNext) {
        static Step of(boolean dhOfTwoTerms) {
            GraphBuilder b = new GraphBuilder();
            Shape state = Shape.of(ROWS, HIDDEN);
            Var z = b.input("z", Shape.of(ROWS, 4 * HIDDEN), DType.F32);
            Var c = b.input("c", state, DType.F32);
            Var i = b.sigmoid(b.chunk(z, 4, 0));
            Var f = b.sigmoid(b.chunk(z, 4, 1));
            Var g = b.tanh(b.chunk(z, 4, 2));
            Var o = b.sigmoid(b.chunk(z, 4, 3));
            Var cNext = b.add(b.mul(f, c), b.mul(i, g));
            Var h = b.mul(o, b.tanh(cNext));
            Var loss = b.add(b.sum(b.mul(h, b.input("wh", state, DType.F32))), b.sum(b.mul(cNext, b.input("wc", state, DType.F32))));
            if (dhOfTwoTerms) {
                loss = b.add(loss, b.sum(b.mul(h, b.input("wh2", state, DType.F32))));
            }
            b.output("loss", loss);
            return new Step(b.build(), z, c, cNext);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStepsGradientsAreOnePassAndTheSameBitForBit(boolean dhOfTwoTerms) {
        Step s = Step.of(dhOfTwoTerms);
        Vjp.Gradients grads = Vjp.of(s.graph(), "loss");
        for (List<Integer> asked : List.of(List.of(grads.gradOf(s.z().id()), grads.gradOf(s.c().id())), List.of(grads.gradOf(s.z().id())))) {
            Map<String, Long> runs = assertSame(s.graph(), grads.graph(), Set.copyOf(asked));
            assertEquals(1L, runs.get(LstmStepGradients.KIND), runs.toString());
            for (String gone : List.of(ActivationSlopes.SIGMOID, ActivationSlopes.TANH, "pads placed")) {
                assertFalse(runs.containsKey(gone), gone + " is in the pass: " + runs);
            }
            assertEquals(dhOfTwoTerms ? 2L : 1L, runs.get("add"), "the loss's own adds alone (the output is kept), dh′'s in the pass: " + runs);
        }
    }

    /** dc′ kept: the step's pattern has a value read outside it, so its ops run as they are, and agree. */
    @Test
    void aStepWhoseCellGradientIsKeptRunsAsItsOps() {
        Step s = Step.of(true);
        Vjp.Gradients grads = Vjp.of(s.graph(), "loss");
        Map<String, Long> runs = assertSame(s.graph(), grads.graph(), Set.of(grads.gradOf(s.z().id()), grads.gradOf(s.cNext().id())));
        assertFalse(runs.containsKey(LstmStepGradients.KIND), runs.toString());
        assertEquals(1L, runs.get("pads placed"), runs.toString());
    }

    /**
     * Every step of every layer of a window with a gate kernel, and none without one (then the steps' ops run as they are);
     * a GRU's steps are not taken.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyStepOfAWindowIsOnePassAndTheGradientsAgree(int layers) {
        int steps = 4;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 5, layers, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 8);
        for (Optional<dev.unfold.kernel.LstmGates> kernel : List.<Optional<dev.unfold.kernel.LstmGates>>of(Optional.empty(), Optional.of(new JavaLstmGates()))) {
            ExecutionProfile profile = new ExecutionProfile();
            ExecutorEquivalence.assertAgrees(CompiledExecutor.withLstmGates(kernel, profile), g, "loss", feeds);
            Map<String, Long> runs = ProfiledRuns.of(profile);
            assertEquals(kernel.isPresent() ? 2L * steps * layers : 0L, runs.getOrDefault(LstmStepGradients.KIND, 0L), "two runs of each step: " + runs);
            assertEquals(kernel.isPresent(), !runs.containsKey(ActivationSlopes.SIGMOID) && !runs.containsKey("pads placed"), runs.toString());
        }
        Graph gru = TokenSumsTest.embeddedWindow(CellType.GRU, 5, layers, steps);
        ExecutionProfile profile = new ExecutionProfile();
        ExecutorEquivalence.assertAgrees(CompiledExecutor.withLstmGates(Optional.of(new JavaLstmGates()), profile), gru, "loss",
                TokenSumsTest.tokenFeeds(gru, steps, 8));
        assertFalse(ProfiledRuns.of(profile).containsKey(LstmStepGradients.KIND), ProfiledRuns.of(profile).toString());
    }

    /** Compiled against interpreted on {@code forward}'s gradient graph {@code g}, bit for bit, on {@code asked}; returns the compiled run's units. */
    private static Map<String, Long> assertSame(Graph forward, Graph g, Set<Integer> asked) {
        Feeds feeds = Feeds.byLabel(forward, Fixtures.randomFeeds(forward, Fixtures.rng()));
        ExecutionProfile profile = new ExecutionProfile();
        JavaLstmGates kernel = new JavaLstmGates();
        Values actual = CompiledExecutor.withLstmGates(Optional.of(kernel), profile).run(g, feeds, new HashSet<>(asked));
        Values expected = Interpreter.run(g, feeds);
        for (int id : asked) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals(runs.getOrDefault(LstmStepGradients.KIND, 0L).intValue(), kernel.backwards());
        return runs;
    }
}
