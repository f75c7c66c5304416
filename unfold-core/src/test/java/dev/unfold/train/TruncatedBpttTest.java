package dev.unfold.train;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.Vjp;
import dev.unfold.exec.Executor;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.Sgd;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.HashMap;
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
        Map<String, Tensor> before = s.trainer.params();
        s.trainer.step();
        Map<String, Tensor> used = usedGradient(before, s.trainer.params());
        Map<String, Tensor> full = windowGradient(s, before, 0, steps, 0, zeroState(s, before));
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
            Map<String, Tensor> before = s.trainer.params();
            Map<String, Tensor> state = carriedState(s, before, w);
            Map<String, Tensor> expected = windowGradient(s, before, w.start(), w.end(), w.lossFrom(), state);
            s.trainer.step();
            assertSame(expected, usedGradient(before, s.trainer.params()));
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
        Trainer t = new Trainer(new Trainer.Setup(s.model, silent, new TruncatedBptt(3, 3), new Sgd(0, Sgd.Momentum.HEAVY_BALL, 0),
                new LearningRateSchedule.Constant(1), Clipping.none(), Executor.reference(), DType.F64));
        t.initialize(InitScheme.PYTORCH, 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, t::step);
        assertTrue(e.getMessage().contains("nothing can be learned"), e.getMessage());
    }

    @Test
    void theWindowGraphPassesAGradientCheck() {
        Setup s = new Setup(CellType.GRU, 2, 4);
        WindowGraph w = WindowGraph.build(s.model, BATCH, new boolean[] {false, false, true, true}, DType.F64, WindowGraph.Mode.FORWARD);
        Map<String, Tensor> feeds = feeds(s, s.trainer.params(), 3, 7, zeroState(s, s.trainer.params()), w);
        assertGradientsMatch(w.graph(), "loss", feeds);
    }

    @Test
    void theCarriedStateIsCutBetweenWindows() {
        Setup cut = new Setup(CellType.RNN_TANH, 3, 3);
        Map<String, Tensor> before = cut.trainer.params();
        Map<String, Tensor> stateAfterFirstWindow = stateAt(cut, before, 3);
        cut.trainer.step();
        Map<String, Tensor> after1 = cut.trainer.params();
        cut.trainer.step();
        Map<String, Tensor> second = usedGradient(after1, cut.trainer.params());
        Map<String, Tensor> state = cut.trainer.snapshot().carried().get(3);
        assertTrue(state == null, "the carried state moved on to step 6");
        assertSame(windowGradient(cut, after1, 3, 6, 3, stateAfterFirstWindow), second);
        Map<String, Tensor> leaky = windowGradient(cut, after1, 0, 6, 3, zeroState(cut, after1));
        double diff = TensorFormat.maxMixedError(leaky.get("weight_hh_l0"), second.get("weight_hh_l0"));
        assertTrue(diff > 1e-6, "a gradient through the earlier window would differ: " + diff);
        assertTrue(before != null);
    }

    private static final class Setup {
        final TextStreams streams;
        final SequenceModel model;
        final Trainer trainer;
        final Vocabulary vocab = Vocabulary.of(TEXT);

        Setup(CellType cell, int k1, int k2) {
            streams = new TextStreams(vocab.encode(TEXT).ids(), BATCH, vocab.size());
            RecurrentSpec rnn = new RecurrentSpec(cell, 3, 4, 1, RecurrentSpec.Directions.ONE);
            model = new SequenceModel(new SequenceModelSpec(streams.input(3), rnn, streams.output()));
            trainer = new Trainer(new Trainer.Setup(model, streams, new TruncatedBptt(k1, k2), new Sgd(0, Sgd.Momentum.HEAVY_BALL, 0),
                    new LearningRateSchedule.Constant(1), Clipping.none(), Executor.reference(), DType.F64));
            trainer.initialize(InitScheme.PYTORCH, 7);
        }
    }

    private static Map<String, Tensor> usedGradient(Map<String, Tensor> before, Map<String, Tensor> after) {
        Map<String, Tensor> g = new LinkedHashMap<>();
        before.forEach((k, b) -> g.put(k, Tensor.generate(DType.F64, b.shape(), i -> b.get(i) - after.get(k).get(i))));
        return g;
    }

    /** Gradient of the mean loss over steps [lossFrom, end), through steps [start, end) only, from {@code state}. */
    private static Map<String, Tensor> windowGradient(Setup s, Map<String, Tensor> params, int start, int end, int lossFrom, Map<String, Tensor> state) {
        boolean[] lossAt = new boolean[end - start];
        for (int t = 0; t < lossAt.length; t++) {
            lossAt[t] = start + t >= lossFrom;
        }
        WindowGraph w = WindowGraph.build(s.model, BATCH, lossAt, DType.F64, WindowGraph.Mode.FORWARD);
        Vjp.Gradients g = Vjp.of(w.graph(), "loss");
        Values v = Interpreter.run(g.graph(), feeds(s, params, start, end, state, w));
        Map<String, Tensor> out = new LinkedHashMap<>();
        w.parts().params().forEach((k, var) -> out.put(k, v.get(g.gradOf(var.id()))));
        return out;
    }

    private static Map<String, Tensor> feeds(Setup s, Map<String, Tensor> params, int start, int end, Map<String, Tensor> state, WindowGraph w) {
        Episode e = s.streams.episode(0, new Rng(0), DType.F64);
        Map<String, Tensor> feeds = new HashMap<>(params);
        feeds.putAll(state);
        for (int t = 0; t < end - start; t++) {
            feeds.put("in[" + t + "]", e.input(start + t));
            if (w.lossAt(t)) {
                feeds.put("target[" + t + "]", e.target(start + t).orElseThrow());
            }
        }
        return feeds;
    }

    /**
     * The state a window starts from, as truncated BPTT defines it: the value the forward pass carried to
     * the window's start (computed with the parameters of its time), advanced with the current
     * parameters over the steps that precede the window in this update.
     */
    private static Map<String, Tensor> carriedState(Setup s, Map<String, Tensor> params, TruncatedBptt.Window w) {
        TrainingState snap = s.trainer.snapshot();
        Map<String, Tensor> from = w.advanceFrom() == 0 ? zeroState(s, params) : snap.carried().get(w.advanceFrom());
        if (w.advance() == 0) {
            return from;
        }
        WindowGraph g = WindowGraph.build(s.model, BATCH, new boolean[w.advance()], DType.F64, WindowGraph.Mode.FORWARD);
        Values v = Interpreter.run(g.graph(), feeds(s, params, w.advanceFrom(), w.start(), from, g));
        Map<String, Tensor> out = new HashMap<>();
        for (WindowGraph.CarriedState c : g.states()) {
            out.put(c.label(), v.get(c.afterStep().get(w.advance() - 1)));
        }
        return out;
    }

    /** The state after running forward from zero over steps [0, pos). */
    private static Map<String, Tensor> stateAt(Setup s, Map<String, Tensor> params, int pos) {
        if (pos == 0) {
            return zeroState(s, params);
        }
        WindowGraph w = WindowGraph.build(s.model, BATCH, new boolean[pos], DType.F64, WindowGraph.Mode.FORWARD);
        Values v = Interpreter.run(w.graph(), feeds(s, params, 0, pos, zeroState(s, params), w));
        Map<String, Tensor> out = new HashMap<>();
        for (WindowGraph.CarriedState c : w.states()) {
            out.put(c.label(), v.get(c.afterStep().get(pos - 1)));
        }
        return out;
    }

    private static Map<String, Tensor> zeroState(Setup s, Map<String, Tensor> params) {
        WindowGraph w = WindowGraph.build(s.model, BATCH, new boolean[1], DType.F64, WindowGraph.Mode.FORWARD);
        return WindowRun.zeroStates(w);
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, e) -> assertTrue(TensorFormat.maxMixedError(actual.get(k), e) < TOLERANCE,
                k + ": error " + TensorFormat.maxMixedError(actual.get(k), e)));
    }
}
