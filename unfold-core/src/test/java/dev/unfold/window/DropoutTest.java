package dev.unfold.window;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Losses;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.testkit.ExecutorEquivalence;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout, variational dropout and zoneout as graph operations: their gradients by finite differences with
 * fixed masks, the variational mask as one node read by every step, nothing of dropout in evaluation (and
 * zoneout's expectation there), and the compiled executor equal to the interpreter with all of them on.
 */
class DropoutTest {
    static final int VOCAB = 5;
    static final int STEPS = 4;
    static final int BATCH = 3;

    static SequenceModel model(CellType cell, int layers, double dropout, double variational, double zoneout) {
        return SequenceModel.builder().tokens(VOCAB).embedding(3).cell(cell).hidden(4).layers(layers).classes(VOCAB)
                .dropout(dropout).variationalDropout(variational).zoneout(zoneout).build();
    }

    /** The model's graph of {@code phase} under a loss at every step, and the unfolded parts. */
    record Built(Graph graph, RecurrentModel.Unfolded parts) {
    }

    static Built graph(SequenceModel model, Phase phase, DType dtype) {
        GraphBuilder b = new GraphBuilder();
        RecurrentModel.Unfolded u = model.unfold(b, STEPS, BATCH, dtype, phase);
        Var loss = null;
        for (int t = 0; t < STEPS; t++) {
            b.at(t);
            Var target = b.input("target[" + t + "]", Shape.of(BATCH), dtype, Role.of(Role.Kind.TARGET));
            Var term = Losses.softmaxCrossEntropy(b, u.outputs().get(t), target);
            loss = loss == null ? term : b.add(loss, term);
        }
        b.at(Node.NO_STEP).output("loss", loss);
        return new Built(b.build(), u);
    }

    /** Weights, tokens, targets, zero state, and masks (drawn, or each filled with {@code fill} when given). */
    static Feeds feeds(SequenceModel model, Built built, DType dtype, Masks masks) {
        Feeds.Builder f = Feeds.builder();
        Weights w = Weights.initial(model.parameters(), InitScheme.PYTORCH, 5, dtype);
        built.parts().params().forEach((p, v) -> f.put(v, w.get(p)));
        Rng rng = new Rng(11);
        for (Node n : built.graph().nodes()) {
            if (n.role().kind() == Role.Kind.STATE && n.op() instanceof dev.unfold.op.Leaf) {
                f.put(n.id(), Tensor.generate(dtype, n.shape(), i -> rng.nextDouble() - 0.5));
            }
            if (n.role().kind() == Role.Kind.INPUT && n.op() instanceof dev.unfold.op.Leaf || n.role().kind() == Role.Kind.TARGET) {
                f.put(n.id(), Tensor.generate(dtype, n.shape(), i -> rng.nextInt(VOCAB)));
            }
        }
        List<MaskLeaf> leaves = built.parts().masks();
        for (int i = 0; i < leaves.size(); i++) {
            f.put(leaves.get(i).node(), masks.get(i).to(dtype));
        }
        return f.build();
    }

    static Stream<Arguments> forms() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : List.of(CellType.LSTM, CellType.GRU, CellType.RNN_TANH)) {
            out.add(Arguments.of(cell, 0.3, 0.0, 0.0));
            out.add(Arguments.of(cell, 0.0, 0.4, 0.0));
            out.add(Arguments.of(cell, 0.0, 0.0, 0.25));
            out.add(Arguments.of(cell, 0.2, 0.3, 0.1));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} dropout {1}, variational {2}, zoneout {3}")
    @MethodSource("forms")
    void gradientsThroughFixedMasksMatchFiniteDifferences(CellType cell, double dropout, double variational, double zoneout) {
        SequenceModel model = model(cell, 2, dropout, variational, zoneout);
        Built built = graph(model, Phase.TRAINING, DType.F64);
        assertTrue(!built.parts().masks().isEmpty(), "a training graph reads masks");
        Masks masks = Masks.draw(built.parts().masks(), new Rng(3), DType.F64);
        assertGradientsMatch(built.graph(), "loss", feeds(model, built, DType.F64, masks));
    }

    @ParameterizedTest(name = "{0} dropout {1}, variational {2}, zoneout {3}")
    @MethodSource("forms")
    void theCompiledExecutorEqualsTheInterpreterWithMasks(CellType cell, double dropout, double variational, double zoneout) {
        SequenceModel model = model(cell, 2, dropout, variational, zoneout);
        Built built = graph(model, Phase.TRAINING, DType.F32);
        Masks masks = Masks.draw(built.parts().masks(), new Rng(3), DType.F32);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), built.graph(), "loss", feeds(model, built, DType.F32, masks));
    }

    @Test
    void aVariationalMaskIsOneNodeReadByEveryStep() {
        SequenceModel model = model(CellType.LSTM, 2, 0, 0.5, 0);
        Built built = graph(model, Phase.TRAINING, DType.F32);
        List<Node> recurrentMasks = built.graph().nodes().stream()
                .filter(n -> n.role().kind() == Role.Kind.MASK && n.name().startsWith("mask_h_")).toList();
        assertEquals(2, recurrentMasks.size(), "one recurrent mask per layer: " + recurrentMasks);
        for (Node m : recurrentMasks) {
            assertEquals(Node.NO_STEP, m.step(), "outside time, like a parameter");
            List<Integer> steps = built.graph().consumers(m.id()).stream().map(c -> built.graph().node(c).step()).distinct().sorted().toList();
            assertEquals(List.of(0, 1, 2, 3), steps, m.name() + " is read at every step");
        }
        long inputMasks = built.graph().nodes().stream().filter(n -> n.role().kind() == Role.Kind.MASK && n.name().startsWith("mask_x")).count();
        assertEquals(2, inputMasks, "one input mask per layer");
    }

    @Test
    void dropoutMasksAreNewAtEveryStep() {
        Built built = graph(model(CellType.GRU, 2, 0.5, 0, 0), Phase.TRAINING, DType.F32);
        for (MaskLeaf m : built.parts().masks()) {
            Node n = built.graph().node(m.node().id());
            assertTrue(n.step() >= 0, n.name() + " belongs to a step");
            assertEquals(1, built.graph().consumers(n.id()).size(), n.name() + " is read once");
        }
        assertEquals(3 * STEPS, built.parts().masks().size(), "embedding output, between the layers, before the decoder");
    }

    @Test
    void evaluationHasNoDropoutAndTheExpectationOfZoneout() {
        SequenceModel plain = model(CellType.LSTM, 2, 0, 0, 0);
        SequenceModel dropped = model(CellType.LSTM, 2, 0.5, 0.5, 0);
        Built a = graph(plain, Phase.EVALUATION, DType.F64);
        Built b = graph(dropped, Phase.EVALUATION, DType.F64);
        assertTrue(b.parts().masks().isEmpty() && b.graph().nodes().stream().noneMatch(n -> n.role().kind() == Role.Kind.MASK), "no masks");
        assertEquals(a.graph().size(), b.graph().size(), "the same graph as without dropout");
        double la = Interpreter.run(a.graph(), feeds(plain, a, DType.F64, Masks.none())).output("loss").get(0);
        double lb = Interpreter.run(b.graph(), feeds(dropped, b, DType.F64, Masks.none())).output("loss").get(0);
        assertEquals(la, lb, 0.0);

        SequenceModel zoned = model(CellType.GRU, 1, 0, 0, 0.3);
        Built eval = graph(zoned, Phase.EVALUATION, DType.F64);
        Built train = graph(zoned, Phase.TRAINING, DType.F64);
        List<Tensor> expected = new ArrayList<>();
        train.parts().masks().forEach(m -> expected.add(Tensor.full(DType.F64, m.node().shape(), 0.3)));
        Values ve = Interpreter.run(eval.graph(), feeds(zoned, eval, DType.F64, Masks.none()));
        Values vt = Interpreter.run(train.graph(), feeds(zoned, train, DType.F64, Masks.of(expected)));
        for (int t = 0; t < STEPS; t++) {
            double e = TensorFormat.maxMixedError(ve.get(eval.parts().outputs().get(t)), vt.get(train.parts().outputs().get(t)));
            assertTrue(e < 1e-12, "step " + t + ": evaluation is training with every zoneout mask at its expectation p, error " + e);
        }
    }

    @Test
    void masksAreTheSameRowsWhateverTheSplit() {
        Built built = graph(model(CellType.LSTM, 2, 0.3, 0.3, 0.2), Phase.TRAINING, DType.F32);
        Masks whole = Masks.draw(built.parts().masks(), new Rng(9), DType.F32);
        Masks again = Masks.draw(built.parts().masks(), new Rng(9), DType.F32);
        Masks part = whole.rows(1, 3);
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(0.0, TensorFormat.maxMixedError(whole.get(i), again.get(i)), "seeded");
            assertEquals(2, part.get(i).shape().dim(0));
        }
        MaskLeaf dropout = built.parts().masks().stream().filter(m -> m.kind() == MaskLeaf.Kind.DROPOUT).findFirst().orElseThrow();
        assertEquals(1 / 0.7, dropout.value(0.5), 1e-12, "inverted scaling");
        assertEquals(0.0, dropout.value(0.1), 0.0);
    }
}
