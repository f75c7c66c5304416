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
        Set<Integer> outputs = new java.util.HashSet<>(g.outputs().values());
        outputs.addAll(outputsOfTheSteps(g, steps * layers));
        Values actual = CompiledExecutor.withLstmGates(Optional.of(kernel), profile).run(g, feeds, outputs);
        Values expected = Interpreter.run(g, feeds);
        for (int id : outputs) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals((long) steps * layers, runs.get(LstmGateUnits.KIND), runs.toString());
        assertEquals(steps * layers, kernel.calls());
        assertEquals(steps * layers, kernel.summed(), "each step makes its z from the sum's operands");
        assertFalse(runs.containsKey(BiasedSums.ONE_BIASED) || runs.containsKey(BiasedSums.KIND), "no z is stored: " + runs);
        assertEquals(steps, kernel.picked(), "the first layer's steps read the projected table's rows where they are");
        assertFalse(runs.containsKey(MatMulGroups.PROJECTED), "no rows are copied out of the table: " + runs);
        assertFalse(runs.containsKey("sigmoid"), runs.toString());
        assertFalse(runs.containsKey(ProductSums.KIND), runs.toString());
        assertTrue(all.size() > outputs.size());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aPreActivationReadElsewhereIsStoredAndTheStepReadsIt(int layers) {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 5, layers, steps);
        Feeds feeds = Feeds.byLabel(g, TokenSumsTest.tokenFeeds(g, steps, 9));
        Set<Integer> zs = g.nodes().stream().filter(n -> n.op() instanceof dev.unfold.op.Slice && ((dev.unfold.op.Slice) n.op()).start() == 0)
                .map(n -> n.inputs().get(0)).collect(Collectors.toSet());
        assertEquals(steps * layers, zs.size(), "one z per step and layer");
        JavaLstmGates kernel = new JavaLstmGates();
        ExecutionProfile profile = new ExecutionProfile();
        Set<Integer> keep = new java.util.HashSet<>(g.outputs().values());
        keep.addAll(zs);
        Set<Integer> hs = outputsOfTheSteps(g, steps * layers);
        keep.addAll(hs);
        Values actual = CompiledExecutor.withLstmGates(Optional.of(kernel), profile).run(g, feeds, keep);
        Values expected = Interpreter.run(g, feeds);
        Set<Integer> compared = new java.util.HashSet<>(zs);
        compared.addAll(hs);
        for (int id : compared) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        assertEquals(steps * layers, kernel.calls());
        assertEquals(0, kernel.picked());
        assertEquals(0, kernel.summed(), "a kept z is made by its sum and read by the step");
    }

    @Test
    void rowsOfTheProjectedTableReadElsewhereAreCopiedOutAndTheStepReadsThem() {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 5, 1, steps);
        Feeds feeds = Feeds.byLabel(g, TokenSumsTest.tokenFeeds(g, steps, 13));
        Set<Integer> inputs = g.nodes().stream()
                .filter(n -> n.op() instanceof dev.unfold.op.MatMul && g.node(n.inputs().get(0)).op() instanceof dev.unfold.op.Gather)
                .map(n -> g.consumers(n.id()).get(0)).collect(Collectors.toSet());
        assertEquals(steps, inputs.size(), "one x_t W_ihᵀ + b_ih per step");
        Set<Integer> keep = new java.util.HashSet<>(g.outputs().values());
        keep.addAll(inputs);
        Set<Integer> hs = outputsOfTheSteps(g, steps);
        keep.addAll(hs);
        JavaLstmGates kernel = new JavaLstmGates();
        ExecutionProfile profile = new ExecutionProfile();
        Values actual = CompiledExecutor.withLstmGates(Optional.of(kernel), profile).run(g, feeds, keep);
        Values expected = Interpreter.run(g, feeds);
        Set<Integer> compared = new java.util.HashSet<>(inputs);
        compared.addAll(hs);
        for (int id : compared) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        assertEquals(steps, kernel.summed(), "z is still made on the way");
        assertEquals(0, kernel.picked(), "from the rows copied out");
        assertEquals((long) steps, ProfiledRuns.of(profile).get(MatMulGroups.PROJECTED));
    }

    /** Each step's h′ = o ⊙ tanh c′, {@code count} of them. */
    static Set<Integer> outputsOfTheSteps(Graph g, int count) {
        Set<Integer> hs = g.nodes().stream().filter(n -> n.op() instanceof dev.unfold.op.Mul
                && n.inputs().stream().anyMatch(i -> g.node(i).op() instanceof dev.unfold.op.Tanh
                        && !(g.node(g.node(i).inputs().get(0)).op() instanceof dev.unfold.op.Slice))).map(dev.unfold.graph.Node::id)
                .collect(Collectors.toSet());
        assertEquals(count, hs.size(), "one h′ = o ⊙ tanh c′ per step and layer");
        return hs;
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
        assertTrue(kernel.summed() >= steps, "the forward steps make z on the way: " + kernel.summed());
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
