package dev.unfold.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.Episode;
import dev.unfold.data.TextStreams;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A window run split into shards of the batch, one per thread, gives what the whole batch gives: the same
 * loss, the same parameter gradients (means over the batch) and the same carried states.
 */
class ShardedRunnerTest {
    private static final int VOCAB = 6;
    private static final int LENGTH = 5;

    @ParameterizedTest(name = "{0}, batch {1}, {2} shards, {3}")
    @CsvSource({"LSTM, 5, 2, F32", "GRU, 7, 3, F32", "RNN_TANH, 4, 2, F32", "LSTM, 5, 2, F64", "GRU, 3, 3, F64", "GRU, 7, 1, F32"})
    void shardsGiveTheWholeBatchResult(CellType cell, int batch, int shards, DType dtype) {
        SequenceModel model = model(cell);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, 1, LENGTH, true);
        WindowGraph window = WindowGraph.build(model, batch, lossAt, dtype, WindowGraph.Mode.GRADIENTS);
        Weights weights = Weights.initial(model.parameters(), InitScheme.PYTORCH, 3, dtype);
        Episode episode = episode(batch, dtype);
        RecurrentState initial = randomState(window, dtype);
        Gradients g = new Gradients(model.parameters(), dtype);
        WindowRun whole = WindowRunner.local(new CompiledExecutor()).run(window, weights, episode, 1, initial,
                WindowRunner.Keep.states(0).withGradients(g));
        try (WindowRunner sharded = WindowRunner.sharded(new CompiledExecutor(), shards)) {
            Gradients gs = new Gradients(model.parameters(), dtype);
            WindowRun split = sharded.run(window, weights, episode, 1, initial, WindowRunner.Keep.states(0).withGradients(gs));

            double tolerance = dtype == DType.F64 ? 1e-12 : 1e-5;
            assertEquals(whole.loss(), split.loss(), tolerance * Math.abs(whole.loss()));
            for (Parameter p : model.parameters()) {
                double e = TensorFormat.relativeError(gs.copyOf(p), g.copyOf(p));
                assertTrue(e <= tolerance, p.name() + " differs by " + e);
            }
            for (int t = 0; t < LENGTH; t++) {
                RecurrentState s = whole.stateAfter(t);
                RecurrentState ss = split.stateAfter(t);
                for (RecurrentState.Slot slot : s.slots()) {
                    assertEquals(s.get(slot).shape(), ss.get(slot).shape());
                    double e = TensorFormat.relativeError(ss.get(slot), s.get(slot));
                    assertTrue(e <= tolerance, slot.label() + " after step " + t + " differs by " + e);
                }
            }
            if (shards > 1) {
                assertThrows(IllegalStateException.class, split::values, "a sharded run has no single set of values");
            }
        }
    }

    @Test
    void theCompiledProgramComputesTheGradientsInTheSinksOwnArrays() {
        SequenceModel model = model(CellType.GRU);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, true);
        WindowGraph window = WindowGraph.build(model, 3, lossAt, DType.F32, WindowGraph.Mode.GRADIENTS);
        Weights weights = Weights.initial(model.parameters(), InitScheme.PYTORCH, 3, DType.F32);
        Gradients compiled = new Gradients(model.parameters(), DType.F32);
        Parameter first = model.parameters().get(0);
        float[] buffer = compiled.f32(first);
        WindowRunner.local(new CompiledExecutor()).run(window, weights, episode(3, DType.F32), 0, window.zeroState(),
                WindowRunner.Keep.states(0).withGradients(compiled));
        Gradients reference = new Gradients(model.parameters(), DType.F32);
        WindowRunner.local(dev.unfold.exec.Executor.reference()).run(window, weights, episode(3, DType.F32), 0, window.zeroState(),
                WindowRunner.Keep.states(0).withGradients(reference));
        assertTrue(buffer == compiled.f32(first), "the sink keeps its arrays");
        for (Parameter p : model.parameters()) {
            double e = TensorFormat.relativeError(compiled.copyOf(p), reference.copyOf(p));
            assertTrue(e <= 1e-5 && reference.copyOf(p).norm() > 0, p.name() + ": compiled differs from interpreted by " + e);
        }
    }

    @ParameterizedTest(name = "{0} shards")
    @CsvSource({"2", "3"})
    void aFailingShardFailsTheRunWithItsOwnMessage(int shards) {
        SequenceModel model = model(CellType.LSTM);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, true);
        WindowGraph window = WindowGraph.build(model, 4, lossAt, DType.F32, WindowGraph.Mode.GRADIENTS);
        Episode bad = misshapen(4);
        Weights weights = Weights.initial(model.parameters(), InitScheme.PYTORCH, 3, DType.F32);
        try (WindowRunner sharded = WindowRunner.sharded(new CompiledExecutor(), shards)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> sharded.run(window, weights, bad, 0, window.zeroState(),
                            WindowRunner.Keep.states(0).withGradients(new Gradients(model.parameters(), DType.F32))));
            assertTrue(e.getMessage().contains("must have shape"), e.getMessage());
        }
    }

    @Test
    void theRunnersWorkersRunAgainAfterAFailingShardAndAfterTheyParked() throws InterruptedException {
        SequenceModel model = model(CellType.GRU);
        boolean[] lossAt = new boolean[LENGTH];
        Arrays.fill(lossAt, true);
        int batch = 6;
        WindowGraph window = WindowGraph.build(model, batch, lossAt, DType.F32, WindowGraph.Mode.GRADIENTS);
        Weights weights = Weights.initial(model.parameters(), InitScheme.PYTORCH, 3, DType.F32);
        Episode episode = episode(batch, DType.F32);
        Episode bad = misshapen(batch);
        double want = WindowRunner.local(new CompiledExecutor()).run(window, weights, episode, 0, window.zeroState(), WindowRunner.Keep.states(0)).loss();
        try (WindowRunner sharded = WindowRunner.sharded(new CompiledExecutor(), 3)) {
            assertEquals(want, sharded.run(window, weights, episode, 0, window.zeroState(), WindowRunner.Keep.states(0)).loss(), 1e-6);
            assertThrows(IllegalArgumentException.class, () -> sharded.run(window, weights, bad, 0, window.zeroState(), WindowRunner.Keep.states(0)));
            assertEquals(want, sharded.run(window, weights, episode, 0, window.zeroState(), WindowRunner.Keep.states(0)).loss(), 1e-6);
            Thread.sleep(ShardWorker.SPIN_NANOS / 1_000_000 * 3);
            assertEquals(want, sharded.run(window, weights, episode, 0, window.zeroState(), WindowRunner.Keep.states(0)).loss(), 1e-6);
        }
    }

    /** An episode whose inputs have two columns where the model's tokens have one: every shard fails on it. */
    private static Episode misshapen(int batch) {
        return new Episode() {
            @Override
            public int length() {
                return LENGTH;
            }

            @Override
            public Tensor input(int t) {
                return Tensor.zeros(DType.F32, Shape.of(batch, 2));
            }

            @Override
            public java.util.Optional<Tensor> target(int t) {
                return java.util.Optional.of(Tensor.zeros(DType.F32, Shape.of(batch)));
            }
        };
    }

    private static SequenceModel model(CellType cell) {
        return SequenceModel.builder().tokens(VOCAB).embedding(3).cell(cell).hidden(4).layers(2).classes(VOCAB).build();
    }

    private static Episode episode(int batch, DType dtype) {
        Rng rng = new Rng(17);
        int[] ids = new int[batch * (LENGTH + 2)];
        Arrays.setAll(ids, i -> rng.nextInt(VOCAB));
        return new TextStreams(ids, batch, VOCAB).episode(0, new Rng(0), dtype);
    }

    private static RecurrentState randomState(WindowGraph window, DType dtype) {
        Rng rng = new Rng(5);
        Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.slot(), Tensor.generate(dtype, s.slot().shape(window.batch()), i -> rng.nextDouble() - 0.5));
        }
        return RecurrentState.of(out);
    }
}
