package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.unfold.graph.Graph;
import dev.unfold.nativecells.NativeLstmGates;
import dev.unfold.nn.CellType;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.ExecutorEquivalence;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Programs with the native gates, forward and backward, held to the interpreter. */
class NativeLstmGateUnitsTest {
    @BeforeAll
    static void built() {
        assumeFalse(Boolean.getBoolean("unfold.native.skip"), "built without the native library");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void forwardIsTheInterpretersBitForBit(int layers) {
        int steps = 4;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 19, layers, steps);
        Feeds feeds = Feeds.byLabel(g, TokenSumsTest.tokenFeeds(g, steps, 11));
        ExecutionProfile profile = new ExecutionProfile();
        Set<Integer> outputs = new java.util.HashSet<>(g.outputs().values());
        outputs.addAll(LstmGateUnitsTest.outputsOfTheSteps(g, steps * layers));
        Values actual = CompiledExecutor.withLstmGates(Optional.of(new NativeLstmGates()), profile).run(g, feeds, outputs);
        Values expected = Interpreter.run(g, feeds);
        for (int id : outputs) {
            assertEquals(0.0, TensorFormat.maxMixedError(actual.get(id), expected.get(id)), g.node(id).name());
        }
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals((long) steps * layers, runs.get(LstmGateUnits.KIND), runs.toString());
        assertEquals(false, runs.containsKey(BiasedSums.ONE_BIASED) || runs.containsKey(BiasedSums.KIND), "z made on the way: " + runs);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void backwardAgreesWithTheInterpreter(int layers) {
        int steps = 3;
        Graph g = TokenSumsTest.embeddedWindow(CellType.LSTM, 17, layers, steps);
        ExecutionProfile profile = new ExecutionProfile();
        ExecutorEquivalence.assertAgrees(CompiledExecutor.withLstmGates(Optional.of(new NativeLstmGates()), profile), g, "loss",
                TokenSumsTest.tokenFeeds(g, steps, 5));
        Map<String, Long> runs = ProfiledRuns.of(profile);
        assertEquals(true, runs.getOrDefault(LstmGateUnits.KIND, 0L) >= steps * layers);
        assertEquals(2L * steps * layers, runs.get(LstmStepGradients.KIND), "each step's backward one native call, in each of two runs: " + runs);
    }
}
