package dev.unfold.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.nn.Cell;
import dev.unfold.nn.CellType;
import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Invariants of unfolding, over random cells, sizes and numbers of steps. */
class UnfolderProperties {
    @Property(tries = 60, seed = "20261126")
    void unfoldingCopiesTheCellOncePerStepAndSharesParameters(@ForAll CellType type, @ForAll @IntRange(min = 1, max = 9) int steps,
            @ForAll @IntRange(min = 1, max = 3) int batch, @ForAll @IntRange(min = 1, max = 4) int input,
            @ForAll @IntRange(min = 1, max = 5) int hidden) {
        LoopGraph loop = type.create(input, hidden).fold(batch, DType.F32);
        Graph g = Verifier.verify(Unfolder.unfold(loop, steps));

        assertEquals(steps, g.steps());
        for (int t = 0; t < steps; t++) {
            List<Node> ops = g.stepNodes(t).stream().filter(n -> !(n.op() instanceof Leaf)).toList();
            assertEquals(loop.operations().size(), ops.size(), "operations at step " + t);
            for (int k = 0; k < ops.size(); k++) {
                assertEquals(loop.operations().get(k).op(), ops.get(k).op(), "the copy at step " + t + " is the cell's");
            }
        }
        assertEquals(loop.params().size(), g.parameters().size(), "one node per parameter");
        for (int p : loop.params()) {
            Node inBody = loop.body().node(p);
            Node shared = g.find(inBody.name()).orElseThrow();
            assertEquals(steps * loop.body().consumers(p).size(), g.consumers(shared.id()).size(),
                    inBody.name() + ": T uses per use in the cell");
        }
        for (Node n : g.nodes()) {
            for (int in : n.inputs()) {
                int from = g.node(in).step();
                assertTrue(from == Node.NO_STEP || (from <= n.step() && from >= n.step() - 1),
                        "edge " + g.node(in).name() + "@" + from + " -> " + n.name() + "@" + n.step() + " goes back in time or skips a step");
            }
        }
    }

    @Property(tries = 30, seed = "20261126")
    void reverseChainsRunFromTheLastStepToTheFirst(@ForAll CellType type, @ForAll @IntRange(min = 1, max = 6) int steps) {
        Cell cell = type.create(2, 3);
        LoopGraph loop = cell.fold(1, DType.F32);
        GraphBuilder b = new GraphBuilder();
        List<Var> params = loop.params().stream().map(id -> b.parameter(loop.body().node(id).name(), loop.body().node(id).shape(), DType.F32)).toList();
        List<Var> init = loop.stateIn().stream().map(id -> b.input(loop.body().node(id).name() + "0", loop.body().node(id).shape(), DType.F32)).toList();
        List<List<Var>> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(List.of(b.at(t).input("x[" + t + "]", loop.body().node(loop.inputs().get(0)).shape(), DType.F32)));
        }
        Unfolder.into(b, loop, new Unfolder.Wiring(params, init, xs, new Role.Layer(0, Direction.REVERSE), "rev"));
        Graph g = Verifier.verify(b.build());
        for (Node n : g.nodes()) {
            for (int in : n.inputs()) {
                int from = g.node(in).step();
                assertTrue(from == Node.NO_STEP || from == n.step() || from == n.step() + 1,
                        "reverse edge " + g.node(in).name() + "@" + from + " -> " + n.name() + "@" + n.step());
            }
        }
    }

    /**
     * The gradient of a shared parameter is the sum over steps of the gradients each step would give its
     * own copy: unfold once with tied parameters, once with a separate copy per step, and compare.
     */
    @Property(tries = 25, seed = "20261126")
    void sharedParameterGradientIsTheSumOverSteps(@ForAll CellType type, @ForAll @IntRange(min = 1, max = 5) int steps,
            @ForAll @IntRange(min = 1, max = 3) int hidden, @ForAll @IntRange(min = 1, max = 1_000_000) int seed) {
        LoopGraph loop = type.create(2, hidden).fold(2, DType.F64);
        Random rng = new Random(seed);
        Map<String, Tensor> feeds = new HashMap<>();
        Graph tied = chain(loop, steps, false);
        Graph untied = chain(loop, steps, true);
        for (Node n : untied.nodes()) {
            if (n.op() instanceof Leaf l && l.kind() == Leaf.Kind.INPUT) {
                feeds.put(l.label(), Fixtures.uniform(n.shape(), rng));
            }
        }
        for (int p : loop.params()) {
            Node inBody = loop.body().node(p);
            Tensor value = Fixtures.uniform(inBody.shape(), rng);
            feeds.put(inBody.name(), value);
            for (int t = 0; t < steps; t++) {
                feeds.put(inBody.name() + "@" + t, value);
            }
        }
        Vjp.Gradients gt = Vjp.of(tied, "loss");
        Vjp.Gradients gu = Vjp.of(untied, "loss");
        Values vt = Interpreter.run(gt.graph(), feeds);
        Values vu = Interpreter.run(gu.graph(), feeds);
        assertEquals(vt.output("loss").get(0), vu.output("loss").get(0), 1e-12);
        for (int p : loop.params()) {
            String name = loop.body().node(p).name();
            Tensor whole = vt.get(gt.gradOf(tied.find(name).orElseThrow().id()));
            double[] sum = new double[whole.size()];
            for (int t = 0; t < steps; t++) {
                Node copy = untied.find(name + "@" + t).orElseThrow();
                if (gu.has(copy.id())) {
                    Tensor part = vu.get(gu.gradOf(copy.id()));
                    for (int i = 0; i < sum.length; i++) {
                        sum[i] += part.get(i);
                    }
                }
            }
            assertTrue(TensorFormat.maxMixedError(whole, Tensor.wrap(whole.shape(), sum)) < 1e-12, name);
        }
    }

    /** The loop over {@code steps} steps with {@code loss = Σ_t Σ R_t ⊙ y_t}; parameters shared, or one copy per step. */
    private static Graph chain(LoopGraph loop, int steps, boolean copyPerStep) {
        GraphBuilder b = new GraphBuilder();
        List<Var> shared = params(b, loop, "");
        List<Var> state = loop.stateIn().stream().map(id -> b.input(loop.body().node(id).name() + "0", loop.body().node(id).shape(), DType.F64)).toList();
        Var loss = null;
        for (int t = 0; t < steps; t++) {
            List<Var> params = copyPerStep ? params(b, loop, "@" + t) : shared;
            Var x = b.at(t).input("x[" + t + "]", loop.body().node(loop.inputs().get(0)).shape(), DType.F64);
            Unfolder.Unrolled u = Unfolder.into(b, loop, new Unfolder.Wiring(params, state, List.of(List.of(x)), Role.Layer.NONE, ""));
            state = u.finalState();
            Var y = u.outputs().get(0).get(0);
            Var term = b.at(t).sum(b.mul(y, b.input("R[" + t + "]", y.shape(), DType.F64)));
            loss = loss == null ? term : b.add(loss, term);
        }
        b.output("loss", loss);
        return Verifier.verify(b.build());
    }

    private static List<Var> params(GraphBuilder b, LoopGraph loop, String suffix) {
        b.at(Node.NO_STEP);
        return loop.params().stream().map(id -> b.parameter(loop.body().node(id).name() + suffix, loop.body().node(id).shape(), DType.F64)).toList();
    }
}
