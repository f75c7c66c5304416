package dev.unfold.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.WindowGraph;
import dev.unfold.window.WindowRun;
import dev.unfold.window.WindowRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A session gives, step by step or chunk by chunk, what a whole-sequence forward gives; its state can be read, set and reset. */
class StepSessionTest {
    private static final int VOCAB = 7;
    private static final int STEPS = 9;
    private static final double TOLERANCE = 1e-6;

    private static SequenceModel model(CellType cell) {
        return SequenceModel.builder().tokens(VOCAB).embedding(5).cell(cell).hidden(6).layers(2).classes(VOCAB).build();
    }

    private static List<Tensor> inputs(int batch, long seed) {
        Random r = new Random(seed);
        List<Tensor> xs = new ArrayList<>();
        for (int t = 0; t < STEPS; t++) {
            xs.add(Tensor.generate(DType.F32, Shape.of(batch), i -> r.nextInt(VOCAB)));
        }
        return xs;
    }

    private static List<Tensor> whole(SequenceModel m, Weights w, List<Tensor> xs) {
        WindowGraph g = WindowGraph.build(m, xs.get(0).shape().dim(0), new boolean[xs.size()], DType.F32, WindowGraph.Mode.FORWARD);
        Episode e = new Episode() {
            @Override
            public int length() {
                return xs.size();
            }

            @Override
            public Tensor input(int t) {
                return xs.get(t);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return Optional.empty();
            }
        };
        WindowRun run = WindowRunner.local(new CompiledExecutor()).run(g, w, e, 0, g.zeroState(), WindowRunner.Keep.lastState(g).withOutputs());
        List<Tensor> out = new ArrayList<>();
        for (int t = 0; t < xs.size(); t++) {
            out.add(run.output(t));
        }
        return out;
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(Math.abs(expected.get(i) - actual.get(i)) <= TOLERANCE * Math.max(1, Math.abs(expected.get(i))),
                    what + " at " + i + ": " + actual.get(i) + " against " + expected.get(i));
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void stepsAndChunksGiveTheWholeSequencesOutputs(CellType cell) {
        SequenceModel m = model(cell);
        Weights w = Weights.initial(m.parameters(), InitScheme.PYTORCH, 3, DType.F32);
        List<Tensor> xs = inputs(4, 1);
        List<Tensor> expected = whole(m, w, xs);
        StepSession one = new StepSession(m, w, 4);
        for (int t = 0; t < STEPS; t++) {
            assertClose(expected.get(t), one.step(xs.get(t)), "step " + t);
        }
        StepSession chunks = new StepSession(m, w, 4);
        List<Tensor> got = new ArrayList<>(chunks.steps(xs.subList(0, 4)));
        got.addAll(chunks.steps(xs.subList(4, 5)));
        got.addAll(chunks.steps(xs.subList(5, STEPS)));
        for (int t = 0; t < STEPS; t++) {
            assertClose(expected.get(t), got.get(t), "chunked step " + t);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"LSTM", "GRU"})
    void stateIsReadSetAndResetAndTheBatchMayChange(CellType cell) {
        SequenceModel m = model(cell);
        Weights w = Weights.initial(m.parameters(), InitScheme.PYTORCH, 4, DType.F32);
        List<Tensor> xs = inputs(2, 2);
        StepSession s = new StepSession(m, w, 2);
        s.steps(xs.subList(0, 3));
        RecurrentState saved = s.state();
        List<Tensor> first = s.steps(xs.subList(3, 6));
        s.state(saved);
        List<Tensor> again = s.steps(xs.subList(3, 6));
        for (int t = 0; t < 3; t++) {
            assertClose(first.get(t), again.get(t), "after setting the state back, step " + t);
        }
        s.reset();
        assertClose(whole(m, w, xs).get(0), s.step(xs.get(0)), "after a reset");

        s.reset(5);
        List<Tensor> five = inputs(5, 3);
        assertClose(whole(m, w, five).get(1), s.steps(five.subList(0, 2)).get(1), "a batch of 5 after reset(5)");
        IllegalArgumentException wrongBatch = assertThrows(IllegalArgumentException.class, () -> s.step(xs.get(0)));
        assertTrue(wrongBatch.getMessage().contains("token indices of shape [5] (a batch of 5), got [2]"), wrongBatch.getMessage());
        IllegalArgumentException wrongState = assertThrows(IllegalArgumentException.class, () -> s.state(saved));
        assertTrue(wrongState.getMessage().contains("for a batch of 5, got"), wrongState.getMessage());
        IllegalArgumentException badToken = assertThrows(IllegalArgumentException.class,
                () -> s.step(Tensor.wrap(Shape.of(5), new double[] {0, 1, 2, 3, VOCAB})));
        assertTrue(badToken.getMessage().contains("token 7.0 at row 4"), badToken.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aBidirectionalModelIsRefused() {
        SequenceModel m = SequenceModel.builder().tokens(VOCAB).cell(CellType.GRU).hidden(4).bidirectional(true).classes(VOCAB).build();
        Weights w = Weights.initial(m.parameters(), InitScheme.PYTORCH, 1, DType.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StepSession(m, w, 1));
        assertTrue(e.getMessage().contains("bidirectional"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void threadsWithSessionsOfTheirOwnShareOneModel() throws Exception {
        SequenceModel m = model(CellType.LSTM);
        Weights w = Weights.initial(m.parameters(), InitScheme.PYTORCH, 5, DType.F32);
        List<List<Tensor>> inputs = new ArrayList<>();
        List<List<Tensor>> expected = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            inputs.add(inputs(1, 10 + k));
            expected.add(whole(m, w, inputs.get(k)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<List<Tensor>>> runs = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                List<Tensor> xs = inputs.get(k);
                runs.add(pool.submit(() -> {
                    StepSession s = new StepSession(m, w, 1);
                    List<Tensor> out = new ArrayList<>();
                    for (Tensor x : xs) {
                        out.add(s.step(x));
                    }
                    return out;
                }));
            }
            for (int k = 0; k < 6; k++) {
                List<Tensor> got = runs.get(k).get();
                for (int t = 0; t < STEPS; t++) {
                    assertClose(expected.get(k).get(t), got.get(t), "thread " + k + " step " + t);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
