package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.graph.Graph;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompiledExecutorTest {
    @Test
    void inputProjectionsAndWeightGradientsBecomeOneGemmEach() {
        int steps = 16;
        RecurrentSpec spec = new RecurrentSpec(CellType.LSTM, 5, 8, 1, RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, steps, 4, DType.F32);
        Vjp.Gradients grads = Vjp.of(g, "loss");
        int wih = g.find("weight_ih_l0").orElseThrow().id();
        int whh = g.find("weight_hh_l0").orElseThrow().id();
        CompiledExecutor.Plan weightsOnly = CompiledExecutor.plan(grads.graph(), Set.of(grads.gradOf(wih), grads.gradOf(whh)));
        assertEquals(1, weightsOnly.hoistedGroups(), "x_t W_ihᵀ of all steps; dL/dx_t is not needed: " + weightsOnly);
        Set<Integer> keep = new java.util.HashSet<>(Set.of(grads.gradOf(wih), grads.gradOf(whh)));
        for (int t = 0; t < steps; t++) {
            keep.add(grads.gradOf(g.find("x[" + t + "]").orElseThrow().id()));
        }
        CompiledExecutor.Plan plan = CompiledExecutor.plan(grads.graph(), keep);
        assertEquals(2, plan.hoistedGroups(), "x_t W_ihᵀ forward and dL/dx_t = g_t W_ih backward: " + plan);
        assertEquals(2, plan.accumulatedSums(), "dL/dW_ih and dL/dW_hh: " + plan);
        assertTrue(plan.units() < plan.operations(), plan.toString());
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }

    @Test
    void embeddingInputsAreProjectedOnceAsATable() {
        int steps = 5;
        Graph g = embeddedWindow(CellType.GRU, 4, 2, steps);
        CompiledExecutor.Plan plan = CompiledExecutor.plan(g, Set.of(g.output("loss").id()));
        assertEquals(1, plan.projectedTables(), "Gather(E, x_t) W_ihᵀ of all steps as Gather(E W_ihᵀ, x_t): " + plan);
        var feeds = tokenFeeds(g, steps, 9);
        CompiledExecutor executor = new CompiledExecutor();
        ExecutorEquivalence.assertAgrees(executor, g, "loss", feeds);
        dev.unfold.graph.Node projection = g.nodes().stream()
                .filter(n -> n.op() instanceof dev.unfold.op.MatMul && g.node(n.inputs().get(0)).op() instanceof dev.unfold.op.Gather).findFirst().orElseThrow();
        String table = g.node(g.node(projection.inputs().get(0)).inputs().get(0)).name();
        String weight = g.node(projection.inputs().get(1)).name();
        String bias = g.node(g.node(g.consumers(projection.id()).get(0)).inputs().get(1)).name();
        assertTrue(bias.startsWith("bias_ih"), "the bias of x_t W_ihᵀ goes into the table: " + bias);
        dev.unfold.tensor.Tensor original = feeds.get(weight);
        Set<Integer> loss = Set.of(g.output("loss").id());
        for (String changed : new String[] {"", weight, table, bias, weight}) {
            dev.unfold.tensor.Tensor before = feeds.get(changed);
            if (before != null) {
                feeds.put(changed, changed.equals(weight) && before != original ? original
                        : dev.unfold.tensor.Tensor.generate(DType.F32, before.shape(), i -> before.get(i) * 0.5 + 0.25));
            }
            double expected = Interpreter.run(g, Feeds.byLabel(g, feeds)).get(g.output("loss").id()).get(0);
            double actual = executor.run(g, Feeds.byLabel(g, feeds), loss).get(g.output("loss").id()).get(0);
            assertEquals(expected, actual, 1e-5 * Math.abs(expected), "the table projected again after " + (changed.isEmpty() ? "nothing" : changed) + " changed");
        }
    }

    /**
     * With embedded inputs the bias of {@code x W_ihᵀ} is in the projected table, and the step's pre-activation is
     * {@code (x W_ihᵀ + b_ih) + (h W_hhᵀ + b_hh)} in one pass over the table's row and the biased product: the
     * interpreter's sums bit for bit.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = CellType.class, names = {"LSTM", "RNN_TANH", "GRU"})
    void anEmbeddedInputsBiasIsInTheProjectedTableAndTheStepsSumIsExact(CellType cell) {
        int steps = 4;
        Graph g = embeddedWindow(cell, 5, 1, steps);
        java.util.List<Integer> biasedInputs = g.nodes().stream()
                .filter(n -> n.op() instanceof dev.unfold.op.MatMul && g.node(n.inputs().get(0)).op() instanceof dev.unfold.op.Gather)
                .map(n -> g.consumers(n.id()).get(0)).toList();
        assertEquals(steps, biasedInputs.size(), "one x_t W_ihᵀ + b_ih per step");
        java.util.List<Integer> values = new java.util.ArrayList<>(biasedInputs);
        biasedInputs.forEach(a -> values.addAll(g.consumers(a)));
        ExecutionProfile profile = assertCompiledSameBits(g, tokenFeeds(g, steps, 5), values, "");
        java.util.Map<String, Long> runs = new java.util.HashMap<>();
        profile.entries().forEach(en -> runs.put(en.kind(), en.runs()));
        assertEquals((long) steps, runs.get(MatMulGroups.PROJECTED), profile.entries().toString());
        if (cell != CellType.GRU) {
            assertEquals((long) steps, runs.get(BiasedSums.ONE_BIASED), "each step's sum in one pass: " + profile.entries());
        }
    }

    @Test
    void oneHotInputsPickTheirColumnOfTheWeightsExactlyRunAfterRunAndMultiplyWhenAWeightIsNotFinite() {
        int steps = 6;
        int vocabulary = 7;
        var in = new dev.unfold.nn.SequenceModelSpec.Input(dev.unfold.nn.SequenceModelSpec.InputKind.TOKENS, vocabulary, 0);
        var model = new dev.unfold.nn.SequenceModel(new dev.unfold.nn.SequenceModelSpec(in,
                new RecurrentSpec(CellType.RNN_TANH, in.networkWidth(), 5, 1, RecurrentSpec.Directions.ONE),
                new dev.unfold.nn.SequenceModelSpec.Output(dev.unfold.nn.SequenceModelSpec.OutputKind.CLASSES, vocabulary)));
        boolean[] lossAt = new boolean[steps];
        java.util.Arrays.fill(lossAt, true);
        var window = dev.unfold.window.WindowGraph.build(model, 3, lossAt, DType.F32, dev.unfold.window.WindowGraph.Mode.FORWARD);
        Graph g = window.graph();
        java.util.List<Integer> projections = g.nodes().stream()
                .filter(n -> n.op() instanceof dev.unfold.op.MatMul && g.node(n.inputs().get(0)).op() instanceof dev.unfold.op.OneHot)
                .map(dev.unfold.graph.Node::id).toList();
        assertEquals(steps, projections.size(), "one projection of one-hot rows per step");
        var feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        dev.unfold.tensor.Rng rng = new dev.unfold.tensor.Rng(4);
        for (int t = 0; t < steps; t++) {
            feeds.put("in[" + t + "]", dev.unfold.tensor.Tensor.generate(DType.F32, dev.unfold.tensor.Shape.of(3), i -> rng.nextInt(vocabulary)));
            feeds.put("target[" + t + "]", dev.unfold.tensor.Tensor.generate(DType.F32, dev.unfold.tensor.Shape.of(3), i -> rng.nextInt(vocabulary)));
        }
        String weights = g.node(g.node(projections.get(0)).inputs().get(1)).name();
        for (boolean finite : new boolean[] {true, false}) {
            if (!finite) {
                dev.unfold.tensor.Tensor w = feeds.get(weights);
                feeds.put(weights, w.withElement(2 * vocabulary + 1, Double.POSITIVE_INFINITY));
            }
            ExecutionProfile profile = assertCompiledSameBits(g, feeds, projections, finite ? "" : "with an infinite weight, ", 3);
            assertTrue(profile.entries().stream().anyMatch(en -> en.kind().equals(OneHotRows.KIND)), profile.entries().toString());
            assertTrue(profile.entries().stream().noneMatch(en -> en.kind().equals("one-hot")), "no one-hot row is made: " + profile.entries());
        }
    }

    /** (x W_ihᵀ + b_ih) + (h W_hhᵀ + b_hh) in one pass, in the graph's order of additions: the interpreter's sums bit for bit. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = CellType.class, names = {"LSTM", "RNN_TANH"})
    void theTwoBiasedProductsOfAStepAreSummedInOnePassExactly(CellType cell) {
        int steps = 4;
        Graph g = ProbeGraph.build(new RecurrentSpec(cell, 5, 8, 1, RecurrentSpec.Directions.ONE), steps, 3, DType.F32);
        java.util.List<Integer> sums = g.nodes().stream()
                .filter(n -> n.op() instanceof dev.unfold.op.Add && n.inputs().stream().allMatch(in -> g.node(in).op() instanceof dev.unfold.op.Add))
                .map(dev.unfold.graph.Node::id).toList();
        assertEquals(steps, sums.size(), "one sum of two biased products per step");
        var feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        ExecutionProfile profile = assertCompiledSameBits(g, feeds, sums, "");
        assertTrue(profile.entries().stream().anyMatch(en -> en.kind().equals(BiasedSums.KIND) && en.runs() == steps), profile.entries().toString());
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
    }

    @Test
    void theGradientOfABlockReadInChunksIsPlacedWithItsUnreadRangeZero() {
        dev.unfold.graph.GraphBuilder b = new dev.unfold.graph.GraphBuilder();
        dev.unfold.op.Var x = b.parameter("x", dev.unfold.tensor.Shape.of(3, 12), DType.F32);
        dev.unfold.op.Var first = b.tanh(b.apply(new dev.unfold.op.Slice(1, 0, 4), x));
        dev.unfold.op.Var last = b.sigmoid(b.apply(new dev.unfold.op.Slice(1, 8, 12), x));
        b.output("loss", b.sum(b.add(b.mul(first, first), last)));
        Graph g = b.build();
        double worst = ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
        assertTrue(worst <= ExecutorEquivalence.TOLERANCE, "worst " + worst);
        Vjp.Gradients grads = Vjp.of(g, "loss");
        Values v = new CompiledExecutor().run(grads.graph(), Feeds.byLabel(g, Fixtures.randomFeeds(g, Fixtures.rng())),
                Set.of(grads.gradOf(g.find("x").orElseThrow().id())));
        dev.unfold.tensor.Tensor dx = v.get(grads.gradOf(g.find("x").orElseThrow().id()));
        for (int r = 0; r < 3; r++) {
            for (int c = 4; c < 8; c++) {
                assertEquals(0.0, dx.get(r * 12 + c), "columns no slice reads get no gradient");
            }
        }
    }

    @Test
    void padsSummedLeaveTheirUncoveredRangeZeroInAReusedBuffer() {
        dev.unfold.graph.GraphBuilder b = new dev.unfold.graph.GraphBuilder();
        dev.unfold.op.Var x = b.parameter("x", dev.unfold.tensor.Shape.of(3, 12), DType.F32);
        dev.unfold.op.Var a = b.parameter("a", dev.unfold.tensor.Shape.of(3, 4), DType.F32);
        dev.unfold.op.Var c = b.parameter("c", dev.unfold.tensor.Shape.of(3, 4), DType.F32);
        dev.unfold.op.Var early = b.sum(b.tanh(b.affine(3, 1, x)));
        dev.unfold.op.Var placed = b.add(b.apply(new dev.unfold.op.Pad(1, 0, 12), a), b.apply(new dev.unfold.op.Pad(1, 8, 12), c));
        b.output("loss", b.add(early, b.sum(b.mul(placed, b.tanh(x)))));
        Graph g = b.build();
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }

    @Test
    void buffersAreReused() {
        Graph g = ProbeGraph.build(new RecurrentSpec(CellType.GRU, 4, 16, 2, RecurrentSpec.Directions.ONE), 32, 8, DType.F32);
        Vjp.Gradients grads = Vjp.of(g, "loss");
        CompiledExecutor.Plan kept = CompiledExecutor.plan(grads.graph(), Set.of(grads.loss()));
        long everything = grads.graph().nodes().stream().mapToLong(n -> n.shape().size() * 4L).sum();
        assertTrue(kept.bufferBytes() < everything / 2, kept.bufferBytes() + " bytes planned for " + everything + " bytes of values");
    }

    @Test
    void valuesThatWereNotKeptAreNotReadable() {
        Graph g = ProbeGraph.build(new RecurrentSpec(CellType.RNN_TANH, 2, 3, 1, RecurrentSpec.Directions.ONE), 3, 2, DType.F32);
        Values v = new CompiledExecutor().run(g, Feeds.byLabel(g, Fixtures.randomFeeds(g, Fixtures.rng())), Set.of());
        assertTrue(Double.isFinite(v.output("loss").get(0)), "named outputs are always kept");
        int hidden = g.find("l0/h").orElseThrow().id();
        assertThrows(IllegalStateException.class, () -> v.get(hidden));
    }

    /** A forward window of a model of embedded tokens (7 of them, embedded in 3), 3 rows, a loss at every step. */
    private static Graph embeddedWindow(CellType cell, int hidden, int layers, int steps) {
        var in = new dev.unfold.nn.SequenceModelSpec.Input(dev.unfold.nn.SequenceModelSpec.InputKind.TOKENS, 7, 3);
        var model = new dev.unfold.nn.SequenceModel(new dev.unfold.nn.SequenceModelSpec(in,
                new RecurrentSpec(cell, in.networkWidth(), hidden, layers, RecurrentSpec.Directions.ONE),
                new dev.unfold.nn.SequenceModelSpec.Output(dev.unfold.nn.SequenceModelSpec.OutputKind.CLASSES, 7)));
        boolean[] lossAt = new boolean[steps];
        java.util.Arrays.fill(lossAt, true);
        return dev.unfold.window.WindowGraph.build(model, 3, lossAt, DType.F32, dev.unfold.window.WindowGraph.Mode.FORWARD).graph();
    }

    /** Random feeds for {@code g}, with tokens drawn from {@code seed} for each step's input and target. */
    private static java.util.Map<String, dev.unfold.tensor.Tensor> tokenFeeds(Graph g, int steps, long seed) {
        var feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        dev.unfold.tensor.Rng rng = new dev.unfold.tensor.Rng(seed);
        for (int t = 0; t < steps; t++) {
            feeds.put("in[" + t + "]", dev.unfold.tensor.Tensor.generate(DType.F32, dev.unfold.tensor.Shape.of(3), i -> rng.nextInt(7)));
            feeds.put("target[" + t + "]", dev.unfold.tensor.Tensor.generate(DType.F32, dev.unfold.tensor.Shape.of(3), i -> rng.nextInt(7)));
        }
        return feeds;
    }

    /**
     * Runs {@code g} compiled (with the loss and {@code ids} kept) and interpreted; the values of {@code ids} agree bit
     * for bit ({@code context} begins the message of one that does not). Returns the compiled run's profile.
     */
    private static ExecutionProfile assertCompiledSameBits(Graph g, java.util.Map<String, dev.unfold.tensor.Tensor> feeds, java.util.List<Integer> ids,
            String context) {
        return assertCompiledSameBits(g, feeds, ids, context, 1);
    }

    /** {@code runs} runs of one compiled executor on the same feeds, each the interpreter's values bit for bit. */
    private static ExecutionProfile assertCompiledSameBits(Graph g, java.util.Map<String, dev.unfold.tensor.Tensor> feeds, java.util.List<Integer> ids,
            String context, int runs) {
        Values expected = Interpreter.run(g, Feeds.byLabel(g, feeds));
        Set<Integer> keep = new java.util.HashSet<>(ids);
        keep.add(g.output("loss").id());
        ExecutionProfile profile = new ExecutionProfile();
        CompiledExecutor executor = CompiledExecutor.profiling(profile);
        var fed = Feeds.byLabel(g, feeds);
        for (int run = 1; run <= runs; run++) {
            Values actual = executor.run(g, fed, keep);
            for (int id : ids) {
                dev.unfold.tensor.Tensor e = expected.get(id);
                dev.unfold.tensor.Tensor a = actual.get(id);
                for (int i = 0; i < e.size(); i++) {
                    assertEquals((float) e.get(i), (float) a.get(i), 0f, context + "run " + run + ", " + g.node(id).name() + " at " + i);
                }
            }
        }
        return profile;
    }
}
