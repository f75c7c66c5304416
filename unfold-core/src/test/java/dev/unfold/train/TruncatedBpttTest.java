package dev.unfold.train;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.data.Episode;
import dev.unfold.data.SequenceSource;
import dev.unfold.data.TextStreams;
import dev.unfold.exec.Executor;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.OptimizerConfig;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Truncated BPTT against graphs built by hand. The trainer runs plain SGD with learning rate 1, so the
 * gradient it used is exactly {@code θ_before − θ_after}.
 */
class TruncatedBpttTest {
    private static final String TEXT = "the quick brown fox jumps over the lazy dog; ".repeat(4);
    private static final int BATCH = 2;
    private static final double TOLERANCE = 1e-12;

    @Test
    void planCoversEveryStepOnceAndCarriesState() {
        assertEquals(List.of(new TruncatedBptt.Window(0, 0, 0, 3), new TruncatedBptt.Window(3, 3, 3, 6), new TruncatedBptt.Window(6, 6, 6, 7)),
                new TruncatedBptt(3, 3).plan(7), "the last window takes the step that remains");
        assertEquals(List.of(new TruncatedBptt.Window(0, 0, 0, 2), new TruncatedBptt.Window(0, 0, 2, 4), new TruncatedBptt.Window(1, 1, 4, 6)),
                new TruncatedBptt(2, 5).plan(6));
        assertEquals(List.of(new TruncatedBptt.Window(0, 2, 2, 4), new TruncatedBptt.Window(4, 6, 6, 8), new TruncatedBptt.Window(8, 8, 8, 9)),
                new TruncatedBptt(4, 2).plan(9));
    }

    @Test
    void tbpttOverTheWholeSequenceIsFullBptt() {
        int steps = 6;
        Setup s = new Setup(CellType.LSTM, steps, steps);
        Weights before = s.trainer.weights();
        s.trainer.step();
        Map<Parameter, Tensor> used = usedGradient(before, s.trainer.weights());
        Map<Parameter, Tensor> full = windowGradient(s, before, 0, steps, 0, zeroState(s));
        assertSame(full, used);
    }

    @ParameterizedTest(name = "{0} BPTT({1},{2})")
    @CsvSource({"LSTM,2,5", "GRU,3,3", "RNN_TANH,4,2", "LSTM,3,1"})
    void eachUpdateEqualsItsHandBuiltWindow(CellType cell, int k1, int k2) {
        Setup s = new Setup(cell, k1, k2);
        TruncatedBptt tbptt = new TruncatedBptt(k1, k2);
        int length = s.streams.steps();
        List<TruncatedBptt.Window> plan = tbptt.plan(length);
        assertEquals(length, plan.get(plan.size() - 1).end(), "the plan reaches the last step");
        for (TruncatedBptt.Window w : plan) {
            Weights before = s.trainer.weights();
            RecurrentState state = carriedState(s, before, w);
            Map<Parameter, Tensor> expected = windowGradient(s, before, w.start(), w.end(), w.lossFrom(), state);
            s.trainer.step();
            assertSame(expected, usedGradient(before, s.trainer.weights()));
        }
    }

    @Test
    void aSourceWithoutTargetsFailsInsteadOfLoopingForever() {
        Setup s = new Setup(CellType.GRU, 3, 3);
        SequenceSource silent = new SequenceSource() {
            @Override
            public int batch() {
                return BATCH;
            }

            @Override
            public dev.unfold.nn.SequenceModelSpec.Input input(int embedding) {
                return s.streams.input(embedding);
            }

            @Override
            public dev.unfold.nn.SequenceModelSpec.Output output() {
                return s.streams.output();
            }

            @Override
            public Episode episode(long index, Rng rng, DType dtype) {
                Episode e = s.streams.episode(index, rng, dtype);
                return new Episode() {
                    @Override
                    public int length() {
                        return 6;
                    }

                    @Override
                    public Tensor input(int t) {
                        return e.input(t);
                    }

                    @Override
                    public java.util.Optional<Tensor> target(int t) {
                        return java.util.Optional.empty();
                    }
                };
            }
        };
        Trainer t = new Trainer(s.model, silent, plan(3, 3), WindowRunner.local(Executor.reference()), DType.F64);
        t.initialize(InitScheme.PYTORCH, 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, t::step);
        assertTrue(e.getMessage().contains("nothing can be learned"), e.getMessage());
    }

    @Test
    void theWindowGraphPassesAGradientCheck() {
        Setup s = new Setup(CellType.GRU, 2, 4);
        WindowGraph w = WindowGraph.build(s.model, BATCH, new boolean[] {false, false, true, true}, DType.F64, WindowGraph.Mode.FORWARD);
        assertGradientsMatch(w.graph(), "loss", w.feeds(s.trainer.weights(), w.zeroState(), episode(s), 3));
    }

    @Test
    void theCarriedStateIsCutBetweenWindows() {
        Setup cut = new Setup(CellType.RNN_TANH, 3, 3);
        Weights before = cut.trainer.weights();
        RecurrentState stateAfterFirstWindow = stateAt(cut, before, 3);
        cut.trainer.step();
        Weights after1 = cut.trainer.weights();
        cut.trainer.step();
        Map<Parameter, Tensor> second = usedGradient(after1, cut.trainer.weights());
        assertTrue(cut.trainer.snapshot().carried().get(3) == null, "the carried state moved on to step 6");
        assertSame(windowGradient(cut, after1, 3, 6, 3, stateAfterFirstWindow), second);
        Map<Parameter, Tensor> leaky = windowGradient(cut, after1, 0, 6, 3, zeroState(cut));
        Parameter whh = cut.model.parameter("weight_hh_l0");
        double diff = TensorFormat.maxMixedError(leaky.get(whh), second.get(whh));
        assertTrue(diff > 1e-6, "a gradient through the earlier window would differ: " + diff);
        assertTrue(before != null);
    }

    private static TrainingPlan plan(int k1, int k2) {
        return TrainingPlan.builder().batch(BATCH).windows(new TruncatedBptt(k1, k2)).optimizer(OptimizerConfig.sgd(0, 0)).learningRate(1).build();
    }

    private static final class Setup {
        final TextStreams streams;
        final SequenceModel model;
        final Trainer trainer;
        final Vocabulary vocab = Vocabulary.of(TEXT);

        Setup(CellType cell, int k1, int k2) {
            streams = new TextStreams(vocab.encode(TEXT).ids(), BATCH, vocab.size());
            model = SequenceModel.builder().tokens(vocab.size()).embedding(3).cell(cell).hidden(4).classes(vocab.size()).build();
            trainer = new Trainer(model, streams, plan(k1, k2), WindowRunner.local(Executor.reference()), DType.F64);
            trainer.initialize(InitScheme.PYTORCH, 7);
        }
    }

    private static Episode episode(Setup s) {
        return s.streams.episode(0, new Rng(0), DType.F64);
    }

    private static Map<Parameter, Tensor> usedGradient(Weights before, Weights after) {
        Map<Parameter, Tensor> g = new LinkedHashMap<>();
        before.values().forEach((p, b) -> g.put(p, Tensor.generate(DType.F64, b.shape(), i -> b.get(i) - after.get(p).get(i))));
        return g;
    }

    /** Gradient of the mean loss over steps [lossFrom, end), through steps [start, end) only, from {@code state}. */
    private static Map<Parameter, Tensor> windowGradient(Setup s, Weights weights, int start, int end, int lossFrom, RecurrentState state) {
        boolean[] lossAt = new boolean[end - start];
        for (int t = 0; t < lossAt.length; t++) {
            lossAt[t] = start + t >= lossFrom;
        }
        WindowGraph w = WindowGraph.build(s.model, BATCH, lossAt, DType.F64, WindowGraph.Mode.FORWARD);
        Vjp.Gradients g = Vjp.of(w.graph(), "loss");
        Values v = Interpreter.run(g.graph(), w.feeds(weights, state, episode(s), start));
        Map<Parameter, Tensor> out = new LinkedHashMap<>();
        w.parts().params().forEach((p, var) -> out.put(p, v.get(g.gradOf(var.id()))));
        return out;
    }

    /**
     * The state a window starts from, as truncated BPTT defines it: the value the forward pass carried to
     * the window's start (computed with the parameters of its time), advanced with the current
     * parameters over the steps that precede the window in this update.
     */
    private static RecurrentState carriedState(Setup s, Weights weights, TruncatedBptt.Window w) {
        TrainingState snap = s.trainer.snapshot();
        RecurrentState from = w.advanceFrom() == 0 ? zeroState(s) : snap.carried().get(w.advanceFrom());
        if (w.advance() == 0) {
            return from;
        }
        return advance(s, weights, w.advanceFrom(), w.advance(), from);
    }

    /** The state after running forward from zero over steps [0, pos). */
    private static RecurrentState stateAt(Setup s, Weights weights, int pos) {
        return pos == 0 ? zeroState(s) : advance(s, weights, 0, pos, zeroState(s));
    }

    private static RecurrentState advance(Setup s, Weights weights, int from, int steps, RecurrentState state) {
        WindowGraph g = WindowGraph.build(s.model, BATCH, new boolean[steps], DType.F64, WindowGraph.Mode.FORWARD);
        Values v = Interpreter.run(g.graph(), g.feeds(weights, state, episode(s), from));
        Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState c : g.states()) {
            out.put(c.slot(), v.get(c.afterStep().get(steps - 1)));
        }
        return RecurrentState.of(out);
    }

    private static RecurrentState zeroState(Setup s) {
        return WindowGraph.build(s.model, BATCH, new boolean[1], DType.F64, WindowGraph.Mode.FORWARD).zeroState();
    }

    private static void assertSame(Map<Parameter, Tensor> expected, Map<Parameter, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, e) -> assertTrue(TensorFormat.maxMixedError(actual.get(k), e) < TOLERANCE,
                k.name() + ": error " + TensorFormat.maxMixedError(actual.get(k), e)));
    }
}
