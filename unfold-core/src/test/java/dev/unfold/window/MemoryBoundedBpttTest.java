package dev.unfold.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.Episode;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentState;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Memory-bounded BPTT gives the gradients of full BPTT over the same window: every cell, one and two layers,
 * with dropout, variational dropout and zoneout (the same masks, drawn per leaf and step), sequences of their own
 * lengths with weighted per-step losses, truncated windows (loss on the last steps only, or the last alone),
 * units of one step to more, one stored state to many, one shard and two; float64 to 1e-10, float32 to 1e-6. The
 * loss and the carried states agree too.
 */
class MemoryBoundedBpttTest {
    static final int VOCAB = 5;
    static final int LENGTH = 9;
    static final int BATCH = 4;

    record Case(String name, SequenceModel model, boolean[] lossAt, BpttMemory.Plan plan, int shards, DType dtype, boolean lengths, boolean keepAll) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] plans = {{1, 1}, {2, 2}, {3, 9}, {4, 3}, {2, 1}, {1, 3}};
        int i = 0;
        for (CellType cell : CellType.values()) {
            for (int layers = 1; layers <= 2; layers++) {
                for (boolean both : new boolean[] {false, true}) {
                    for (boolean regularised : new boolean[] {false, true}) {
                        for (boolean lengths : new boolean[] {false, true}) {
                            int[] p = plans[i % plans.length];
                            int lossFrom = new int[] {0, 3, LENGTH - 1}[i % 3];
                            DType dtype = i % 2 == 0 ? DType.F64 : DType.F32;
                            int shards = 1 + (i / 3) % 2;
                            i++;
                            SequenceModel.Builder b = SequenceModel.builder().tokens(VOCAB).embedding(3).cell(cell).hidden(4).layers(layers).bidirectional(both)
                                    .classes(VOCAB);
                            if (regularised) {
                                b.dropout(0.2).variationalDropout(0.3).zoneout(0.25);
                            }
                            if (lengths) {
                                b.variableLengths();
                            }
                            boolean[] lossAt = new boolean[LENGTH];
                            for (int t = lengths ? 0 : lossFrom; t < LENGTH; t++) {
                                lossAt[t] = true;
                            }
                            BpttMemory.Plan plan = new BpttMemory.Plan(p[0], both ? (LENGTH + p[0] - 1) / p[0] + 1 : p[1], 0, 0, 0, LENGTH, both);
                            String name = String.format("%s, %d layer(s)%s%s%s, loss from %d, units of %d with %d slot(s), %d shard(s), %s%s", cell.id(), layers,
                                    both ? ", bidirectional" : "",
                                    regularised ? ", dropout, variational, zoneout" : "", lengths ? ", lengths" : "", lengths ? 0 : lossFrom, p[0], plan.slots(), shards,
                                    dtype, i % 4 == 0 ? ", last state only" : "");
                            out.add(Arguments.of(new Case(name, b.build(), lossAt, plan, shards, dtype, lengths, i % 4 != 0)));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    /** Models read at their final states (the loss at the window's last step alone, on the top layer's h_n of each direction). */
    static Stream<Arguments> perSequenceCases() {
        List<Arguments> out = new ArrayList<>();
        int i = 0;
        for (CellType cell : CellType.values()) {
            for (boolean both : new boolean[] {false, true}) {
                int layers = 1 + i % 2;
                int unit = 1 + i % 4;
                boolean lengths = i % 3 == 0;
                DType dtype = i % 2 == 0 ? DType.F64 : DType.F32;
                int shards = 1 + (i / 2) % 2;
                i++;
                SequenceModel.Builder b = SequenceModel.builder().tokens(VOCAB).embedding(3).cell(cell).hidden(4).layers(layers).bidirectional(both)
                        .perSequence().classes(VOCAB).dropout(0.2).zoneout(0.25);
                if (lengths) {
                    b.variableLengths();
                }
                boolean[] lossAt = new boolean[LENGTH];
                lossAt[LENGTH - 1] = true;
                BpttMemory.Plan plan = new BpttMemory.Plan(unit, both ? (LENGTH + unit - 1) / unit + 1 : 2, 0, 0, 0, LENGTH, both);
                String name = String.format("%s read at its final states, %d layer(s)%s, dropout, zoneout%s, units of %d, %d shard(s), %s", cell.id(), layers,
                        both ? ", bidirectional" : "", lengths ? ", lengths" : "", unit, shards, dtype);
                out.add(Arguments.of(new Case(name, b.build(), lossAt, plan, shards, dtype, lengths, true)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"cases", "perSequenceCases"})
    void memoryBoundedBpttGivesFullBpttsGradients(Case c) {
        Weights weights = Weights.initial(c.model().parameters(), InitScheme.PYTORCH, 11, c.dtype());
        Episode episode = new RandomEpisode(BATCH, LENGTH + 2, c.dtype(), c.lengths(), 3);
        long seed = 77;
        WindowGraph window = WindowGraph.build(c.model(), BATCH, c.lossAt(), c.dtype(), WindowGraph.Mode.GRADIENTS);
        RecurrentState initial = random(window, c.dtype());
        Gradients full = new Gradients(c.model().parameters(), c.dtype());
        WindowFeed feed = new WindowFeed(episode, 2, initial, Masks.draw(window, seed, 0, BATCH, 0, BATCH, c.dtype()));
        WindowRun whole = WindowRunner.local(new CompiledExecutor()).run(window, weights, feed, WindowRunner.Keep.states(0).withGradients(full));

        Gradients bounded = new Gradients(c.model().parameters(), c.dtype());
        WindowRun split;
        try (MemoryBoundedBptt bptt = new MemoryBoundedBptt(new CompiledExecutor(), c.model(), BATCH, c.dtype(), c.shards())) {
            split = bptt.run(c.plan(), weights, new WindowFeed(episode, 2, initial), c.lossAt(), c.keepAll() ? 0 : LENGTH - 1, seed, bounded);
        }
        double tolerance = c.dtype() == DType.F64 ? 1e-10 : 1e-6;
        assertEquals(whole.loss(), split.loss(), tolerance * Math.abs(whole.loss()), "loss");
        double reached = 0;
        for (Parameter p : c.model().parameters()) {
            double e = TensorFormat.relativeError(bounded.copyOf(p), full.copyOf(p));
            assertTrue(e <= tolerance, p.name() + " differs by " + e);
            reached += full.copyOf(p).norm();
        }
        assertTrue(reached > 0, "the gradients are not all zero");
        for (int t = c.keepAll() ? 0 : LENGTH - 1; t < LENGTH; t++) {
            for (RecurrentState.Slot slot : whole.stateAfter(t).slots()) {
                double e = TensorFormat.relativeError(split.stateAfter(t).get(slot), whole.stateAfter(t).get(slot));
                assertTrue(e <= tolerance, slot.label() + " after step " + t + " differs by " + e);
            }
        }
    }

    @Test
    void aBidirectionalPlanStoresEveryBoundaryWithinTheBudgetAndNamesItsMinimum() {
        SequenceModel m = SequenceModel.builder().tokens(VOCAB).cell(CellType.LSTM).hidden(64).layers(2).bidirectional(true).classes(VOCAB).build();
        long a = BpttMemory.stepBytes(m.spec(), 32, 1);
        long s = BpttMemory.stateBytes(m.spec(), 32);
        long budget = 100 * a;
        BpttMemory.Plan p = BpttMemory.plan(m.spec(), 32, 1, 1000, budget, BpttMemory.Policy.OPTIMAL);
        assertTrue(p.sweeps() && !p.full() && p.bytes() <= budget, p.toString());
        assertEquals((1000 + p.unitSteps() - 1) / p.unitSteps() + 1, p.slots());
        assertEquals(p.unitSteps() * a + 2L * p.slots() * s, p.bytes());
        int k = p.unitSteps() + 1;
        assertTrue(k * a + 2L * ((1000 + k - 1) / k + 1) * s > budget, "the longest units that fit");
        assertEquals(6.0, p.recomputation(), 1e-12, "three sweeps forward and three forward and back for two layers");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpttMemory.plan(m.spec(), 32, 1, 1000, 10 * a, BpttMemory.Policy.OPTIMAL));
        long least = Long.MAX_VALUE;
        for (int u = 1; u <= 1000; u++) {
            least = Math.min(least, u * a + 2L * ((1000 + u - 1) / u + 1) * s);
        }
        assertTrue(e.getMessage().contains("below the minimum for this bidirectional model and window, " + BpttMemory.size(least)), e.getMessage());
        assertTrue(BpttMemory.plan(m.spec(), 32, 1, 1000, least, BpttMemory.Policy.OPTIMAL).bytes() == least, "the minimum itself is planned");
    }

    @Test
    void sweepsFindEveryLayerBelowBeforeAboveAndEveryGradientAboveBeforeBelow() {
        assertEquals("F:[l0] R:[l0_reverse] | R:[l0] F:[l0_reverse]", describe(BoundarySweeps.sweeps(1)));
        assertEquals("F:[l0] R:[l0_reverse, l1_reverse] F:[l1] | R:[l1] F:[l1_reverse, l0_reverse] R:[l0]", describe(BoundarySweeps.sweeps(2)));
    }

    private static String describe(List<BoundarySweeps.Sweep> sweeps) {
        StringBuilder b = new StringBuilder();
        boolean adjoints = false;
        for (BoundarySweeps.Sweep s : sweeps) {
            if (s.adjoint() && !adjoints) {
                b.append("| ");
                adjoints = true;
            }
            b.append(s.way() == dev.unfold.graph.Direction.FORWARD ? "F:" : "R:").append(s.chains().stream().map(dev.unfold.graph.Role.Layer::scope).toList())
                    .append(' ');
        }
        return b.toString().strip();
    }

    private static RecurrentState random(WindowGraph window, DType dtype) {
        Rng rng = new Rng(5);
        Map<RecurrentState.Slot, Tensor> out = new LinkedHashMap<>();
        for (WindowGraph.CarriedState s : window.states()) {
            out.put(s.slot(), Tensor.generate(dtype, s.slot().shape(window.batch()), i -> rng.nextDouble() - 0.5));
        }
        return RecurrentState.of(out);
    }

    /** Random tokens and targets; with lengths, rows of their own lengths and each valid step weighing 1 over the valid steps. */
    static final class RandomEpisode implements Episode {
        private final int batch;
        private final int length;
        private final DType dtype;
        private final long seed;
        private final Optional<SequenceLengths> lengths;
        private final long valid;

        RandomEpisode(int batch, int length, DType dtype, boolean lengths, long seed) {
            this.batch = batch;
            this.length = length;
            this.dtype = dtype;
            this.seed = seed;
            int[] l = new int[batch];
            Rng rng = new Rng(seed);
            long v = 0;
            for (int b = 0; b < batch; b++) {
                l[b] = b == 0 ? length : 3 + rng.nextInt(length - 3);
                v += l[b];
            }
            this.lengths = lengths ? Optional.of(SequenceLengths.of(length, l)) : Optional.empty();
            this.valid = v;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public Tensor input(int t) {
            Rng rng = new Rng(seed * 1000 + t);
            return Tensor.generate(dtype, Shape.of(batch), i -> rng.nextInt(VOCAB));
        }

        @Override
        public Optional<Tensor> target(int t) {
            Rng rng = new Rng(seed * 7000 + t);
            return Optional.of(Tensor.generate(dtype, Shape.of(batch), i -> rng.nextInt(VOCAB)));
        }

        @Override
        public Optional<SequenceLengths> lengths() {
            return lengths;
        }

        @Override
        public Optional<Tensor> weight(int t) {
            return lengths.map(l -> Tensor.generate(dtype, Shape.of(batch, 1), b -> t < l.length(b) ? 1.0 / valid : 0));
        }
    }
}
