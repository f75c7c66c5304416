package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.nn.CellType;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.JavaLstmGates;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An LSTM step's element-wise work as one kernel call, held to the interpreter's eleven ops bit for bit. */
class LstmGateUnitsTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyForwardStepIsOneCallAndTheSameBitForBit(int layers) {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 5, layers, steps);
        Feeds feeds = Feeds.byLabel(g, TokenSumsTest.tokenFeeds(g, steps, 7));
        JavaLstmGates kernel = new JavaLstmGates();
        ExecutionProfile profile = new ExecutionProfile();
        Set<Integer> all = IntStream.range(0, g.size()).boxed().collect(Collectors.toSet());
        Set<Integer> outputs = Set.copyOf(g.outputs().values());
        Values actual = CompiledExecutor.withLstmGates(Optional.of(kernel), profile).run(g, feeds, outputs);
        Values expected = Interpreter.run(g, feeds);
        for (int id : outputs) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals((long) steps * layers, runs.get(LstmGateUnits.KIND), runs.toString());
        assertEquals(steps * layers, kernel.calls());
        assertFalse(runs.containsKey("sigmoid"), runs.toString());
        assertFalse(runs.containsKey(ProductSums.KIND), runs.toString());
        assertTrue(all.size() > outputs.size());
    }

    @Test
    void theBackwardPassReadsTheGatesTheKernelWrote() {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 4, 1, steps);
        Map<String, Tensor> feeds = TokenSumsTest.tokenFeeds(g, steps, 5);
        JavaLstmGates kernel = new JavaLstmGates();
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor executor = CompiledExecutor.withLstmGates(Optional.of(kernel), profile);
        ExecutorEquivalence.assertAgrees(executor, g, "loss", feeds);
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertTrue(runs.getOrDefault(LstmGateUnits.KIND, 0L) >= steps, runs.toString());
        Vjp.Gradients grads = Vjp.of(g, "loss");
        assertTrue(grads.graph().size() > g.size());
    }

    @Test
    void withoutAKernelTheStepsRunAsJavaPasses() {
        int steps = 2;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 4, 1, steps);
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor.withLstmGates(Optional.empty(), profile).run(g, Feeds.byLabel(g, TokenSumsTest.tokenFeeds(g, steps, 3)),
                Set.copyOf(g.outputs().values()));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertFalse(runs.containsKey(LstmGateUnits.KIND), runs.toString());
        assertTrue(runs.containsKey("sigmoid"), runs.toString());
    }
}
