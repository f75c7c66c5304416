package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.nn.CellType;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The gradients of an embedded input summed per token first, held to the interpreter's per-step products. */
class TokenSumsTest {
    private static final int VOCABULARY = 7;
    private static final int ROWS = 3;

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "RNN_TANH", "GRU"})
    void bothGradientsOfTheTableAndItsProjectionAreSummedByTokenAndAgree(CellType cell) {
        int steps = 6;
        Graph g = embeddedWindow(cell, 5, 2, steps);
        Map<String, Tensor> feeds = tokenFeeds(g, steps, 3);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        Map<String, Long> runs = ProfiledRuns.ofGradients(g, feeds);
        assertEquals((long) steps, runs.get(TokenSums.SCATTER), "each step's gate gradients added into S once: " + runs);
        assertEquals(1L, runs.get(TokenSums.PRODUCT), "both gradients from one S: " + runs);
        assertFalse(runs.containsKey("scatter-add"), "no step's input gradient is scattered: " + runs);
        assertFalse(runs.containsKey("gather"), "no step's embedded rows are gathered: " + runs);
    }

    /** Forward only, the projected table stands for every step's gathered rows, which are not made. */
    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void aForwardRunGathersNoRowsTheProjectedTableStandsFor(CellType cell) {
        int steps = 4;
        Graph g = embeddedWindow(cell, 5, 1, steps);
        Map<String, Tensor> feeds = tokenFeeds(g, steps, 6);
        ExecutionProfile profile = new ExecutionProfile();
        Set<Integer> loss = Set.of(g.output("loss").id());
        double actual = CompiledExecutor.profiling(profile).run(g, Feeds.byLabel(g, feeds), loss).get(g.output("loss").id()).get(0);
        double expected = Interpreter.run(g, Feeds.byLabel(g, feeds)).get(g.output("loss").id()).get(0);
        assertEquals(expected, actual, 1e-5 * Math.abs(expected));
        assertTrue(profile.entries().stream().noneMatch(e -> e.kind().equals("gather")), profile.entries().toString());
        assertTrue(profile.entries().stream().anyMatch(e -> e.kind().equals(MatMulGroups.PROJECTED)), profile.entries().toString());
    }

    /** 2 steps of 3 rows are fewer rows than the 7 tokens: the per-step products stay. */
    @ParameterizedTest
    @ValueSource(ints = {2})
    void windowsWithFewerRowsThanTokensKeepTheirProducts(int steps) {
        Graph g = embeddedWindow(CellType.LSTM, 4, 1, steps);
        Map<String, Tensor> feeds = tokenFeeds(g, steps, 8);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        assertFalse(ProfiledRuns.ofGradients(g, feeds).containsKey(TokenSums.PRODUCT));
    }

    /** Repeated tokens sum; a run that fails on a token out of range leaves nothing behind for the next. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aFailedRunOnABadTokenLeavesTheNextRunRight(int repeated) {
        int steps = 5;
        Graph g = embeddedWindow(CellType.GRU, 4, 1, steps);
        Map<String, Tensor> feeds = tokenFeeds(g, steps, 11);
        if (repeated == 1) {
            for (int t = 0; t < steps; t++) {
                feeds.put("in[" + t + "]", Tensor.generate(DType.F32, Shape.of(ROWS), i -> 2));
            }
        }
        Vjp.Gradients grads = Vjp.of(g, "loss");
        int table = grads.gradOf(g.find("embed.weight").orElseThrow().id());
        CompiledExecutor executor = new CompiledExecutor();
        Map<String, Tensor> bad = new HashMap<>(feeds);
        bad.put("in[" + (steps - 1) + "]", Tensor.generate(DType.F32, Shape.of(ROWS), i -> i == 1 ? VOCABULARY : 0));
        assertThrows(IllegalArgumentException.class, () -> executor.run(grads.graph(), Feeds.byLabel(g, bad), Set.of(table)));
        ExecutorEquivalence.assertAgrees(executor, g, "loss", feeds);
    }

    /** A forward window of a model of embedded tokens (7 of them, embedded in 3), 3 rows, a loss at every step. */
    static Graph embeddedWindow(CellType cell, int hidden, int layers, int steps) {
        var in = new dev.unfold.nn.SequenceModelSpec.Input(dev.unfold.nn.SequenceModelSpec.InputKind.TOKENS, VOCABULARY, 3);
        var model = new dev.unfold.nn.SequenceModel(new dev.unfold.nn.SequenceModelSpec(in,
                new dev.unfold.nn.RecurrentSpec(cell, in.networkWidth(), hidden, layers, dev.unfold.nn.RecurrentSpec.Directions.ONE),
                new dev.unfold.nn.SequenceModelSpec.Output(dev.unfold.nn.SequenceModelSpec.OutputKind.CLASSES, VOCABULARY)));
        boolean[] lossAt = new boolean[steps];
        java.util.Arrays.fill(lossAt, true);
        return dev.unfold.window.WindowGraph.build(model, ROWS, lossAt, DType.F32, dev.unfold.window.WindowGraph.Mode.FORWARD).graph();
    }

    /** Random feeds, with tokens and targets of the 7-token vocabulary drawn from {@code seed}. */
    static Map<String, Tensor> tokenFeeds(Graph g, int steps, long seed) {
        Map<String, Tensor> feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        Rng rng = new Rng(seed);
        for (int t = 0; t < steps; t++) {
            feeds.put("in[" + t + "]", Tensor.generate(DType.F32, Shape.of(ROWS), i -> rng.nextInt(VOCABULARY)));
            feeds.put("target[" + t + "]", Tensor.generate(DType.F32, Shape.of(ROWS), i -> rng.nextInt(VOCABULARY)));
        }
        return feeds;
    }
}
