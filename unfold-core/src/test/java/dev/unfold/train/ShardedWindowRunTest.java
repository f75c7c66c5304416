package dev.unfold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.exec.Executor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A window run split into shards of the batch, one per worker, gives what the whole batch gives: the same
 * loss, the same parameter gradients (means over the batch) and the same carried states.
 */
class ShardedWindowRunTest {
    private static final int VOCAB = 6;
    private static final int LENGTH = 5;

    @ParameterizedTest(name = "{0}, batch {1}, {2} workers, {3}, gradients lent: {4}")
    @CsvSource({"LSTM, 5, 2, F32, false", "GRU, 7, 3, F32, false", "RNN_TANH, 4, 2, F32, false", "LSTM, 5, 2, F64, false", "GRU, 3, 3, F64, false",
        "LSTM, 5, 2, F32, true", "GRU, 7, 1, F32, true"})
    void shardsGiveTheWholeBatchResult(CellType cell, int batch, int workers, DType dtype, boolean lent) {
        SequenceModel model = model(cell);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, 1, LENGTH, true);
        WindowGraph window = WindowGraph.build(model, batch, lossAt, dtype, WindowGraph.Mode.GRADIENTS);
        Map<String, Tensor> params = Trainer.initialParameters(model, InitScheme.PYTORCH, 3, dtype);
        Episode episode = episode(batch, dtype);
        Map<String, Tensor> initial = randomStates(window, dtype);

        WindowRun whole = WindowRun.execute(new CompiledExecutor(), window, params, episode, 1, initial, new WindowRun.Keep(0, false, false));
        Executor sharded = CompiledExecutor.withWorkers(workers, null);
        WindowRun split = WindowRun.execute(sharded, window, params, episode, 1, initial, new WindowRun.Keep(0, false, lent));

        double tolerance = dtype == DType.F64 ? 1e-12 : 1e-5;
        assertEquals(whole.loss(), split.loss(), tolerance * Math.abs(whole.loss()));
        Map<String, Tensor> g = whole.parameterGradients();
        Map<String, Tensor> gs = split.parameterGradients();
        assertEquals(g.keySet(), gs.keySet());
        g.forEach((name, t) -> {
            double e = TensorFormat.relativeError(gs.get(name), t);
            assertTrue(e <= tolerance, name + " differs by " + e);
        });
        for (int t = 0; t < LENGTH; t++) {
            Map<String, Tensor> s = whole.statesAfter(t);
            Map<String, Tensor> ss = split.statesAfter(t);
            for (String label : s.keySet()) {
                assertEquals(s.get(label).shape(), ss.get(label).shape());
                double e = TensorFormat.relativeError(ss.get(label), s.get(label));
                assertTrue(e <= tolerance, label + " after step " + t + " differs by " + e);
            }
        }
        if (workers > 1) {
            assertThrows(IllegalStateException.class, split::values, "a sharded run has no single set of values");
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @CsvSource({"2", "3"})
    void aFailingShardFailsTheRunWithItsOwnMessage(int workers) {
        SequenceModel model = model(CellType.LSTM);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, true);
        WindowGraph window = WindowGraph.build(model, 4, lossAt, DType.F32, WindowGraph.Mode.GRADIENTS);
        Map<String, Tensor> params = new LinkedHashMap<>(Trainer.initialParameters(model, InitScheme.PYTORCH, 3, DType.F32));
        String some = params.keySet().iterator().next();
        params.put(some, Tensor.zeros(DType.F32, dev.unfold.tensor.Shape.of(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WindowRun.execute(CompiledExecutor.withWorkers(workers, null),
                window, params, episode(4, DType.F32), 0, WindowRun.zeroStates(window), new WindowRun.Keep(0, false, true)));
        assertTrue(e.getMessage().contains("must have shape"), e.getMessage());
    }

    private static SequenceModel model(CellType cell) {
        SequenceModelSpec.Input in = new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, VOCAB, 3);
        RecurrentSpec rnn = new RecurrentSpec(cell, in.networkWidth(), 4, 2, RecurrentSpec.Directions.ONE);
        return new SequenceModel(new SequenceModelSpec(in, rnn, new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, VOCAB)));
    }

    private static Episode episode(int batch, DType dtype) {
        Rng rng = new Rng(17);
        int[] ids = new int[batch * (LENGTH + 2)];
        Arrays.setAll(ids, i -> rng.nextInt(VOCAB));
        return new TextStreams(ids, batch, VOCAB).episode(0, new Rng(0), dtype);
    }

    private static Map<String, Tensor> randomStates(WindowGraph window, DType dtype) {
        Rng rng = new Rng(5);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.label(), Tensor.generate(dtype, s.shape(), i -> rng.nextDouble() - 0.5));
        }
        return out;
    }
}
