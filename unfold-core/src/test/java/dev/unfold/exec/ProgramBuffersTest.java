package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Element-wise values are computed in place over an input they read last; an input read later keeps its buffer. */
class ProgramBuffersTest {
    private static final Shape SHAPE = Shape.of(4, 8);

    @Test
    void aChainOfElementWiseValuesKeepsToOneBuffer() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var chain = b.affine(0.5, 0.25, b.tanh(b.sigmoid(x)));
        b.output("loss", b.sum(chain));
        Graph g = b.build();
        CompiledExecutor.Plan plan = CompiledExecutor.plan(g, Set.of(g.output("loss").id()));
        assertEquals((long) Float.BYTES * (SHAPE.size() + 1), plan.bufferBytes(), "σ, tanh and the affine map in one buffer, the loss in its own: " + plan);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }

    @Test
    void anInputReadAgainLaterIsNotWrittenOver() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", SHAPE, DType.F32);
        Var s = b.sigmoid(x);
        Var t = b.tanh(s);
        Var u = b.mul(b.add(t, s), s);
        b.output("loss", b.sum(u));
        Graph g = b.build();
        CompiledExecutor.Plan plan = CompiledExecutor.plan(g, Set.of(g.output("loss").id()));
        assertEquals((long) Float.BYTES * (2 * SHAPE.size() + 1), plan.bufferBytes(), "σ lives beside tanh, the sums take tanh's buffer: " + plan);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }
}
