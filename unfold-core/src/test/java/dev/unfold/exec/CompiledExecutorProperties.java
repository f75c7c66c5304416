package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import dev.unfold.window.WindowGraph;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The compiled executor equals the reference interpreter on generated networks and training windows. */
class CompiledExecutorProperties {
    @Property(tries = 40, seed = "20261126")
    void networksAgree(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 2) int layers, @ForAll boolean bidirectional,
            @ForAll @IntRange(min = 1, max = 6) int steps, @ForAll @IntRange(min = 1, max = 3) int batch,
            @ForAll @IntRange(min = 1, max = 5) int hidden, @ForAll @IntRange(min = 1, max = 4) int input) {
        RecurrentSpec spec = new RecurrentSpec(cell, input, hidden, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, steps, batch, DType.F32);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }

    @Property(tries = 40, seed = "20261201")
    void maskedNetworksAgree(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 2) int layers, @ForAll boolean bidirectional,
            @ForAll @IntRange(min = 1, max = 7) int steps, @ForAll @IntRange(min = 1, max = 4) int batch,
            @ForAll @IntRange(min = 1, max = 5) int hidden, @ForAll long lengthSeed) {
        RecurrentSpec spec = new RecurrentSpec(cell, 3, hidden, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.masked(spec, steps, batch, DType.F32).graph();
        Map<String, Tensor> feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        Rng rng = new Rng(lengthSeed);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + rng.nextInt(steps);
        }
        SequenceLengths l = SequenceLengths.of(steps, lengths);
        for (int t = 0; t < steps; t++) {
            feeds.put("valid[" + t + "]", l.valid(t, DType.F32));
        }
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
    }

    @Property(tries = 30, seed = "20261201")
    void maskedWindowsWithWeightedLossesAgree(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 7) int steps,
            @ForAll @IntRange(min = 1, max = 4) int batch, @ForAll boolean perSequence, @ForAll boolean bidirectional, @ForAll long lengthSeed) {
        int vocab = 5;
        SequenceModel.Builder builder = SequenceModel.builder().tokens(vocab).embedding(3).cell(cell).hidden(4).bidirectional(bidirectional && perSequence)
                .classes(vocab).variableLengths();
        SequenceModel model = (perSequence ? builder.perSequence() : builder).build();
        boolean[] lossAt = new boolean[steps];
        for (int t = 0; t < steps; t++) {
            lossAt[t] = !perSequence || t == steps - 1;
        }
        WindowGraph w = WindowGraph.build(model, batch, lossAt, DType.F32, WindowGraph.Mode.FORWARD);
        Map<String, Tensor> feeds = Fixtures.randomFeeds(w.graph(), Fixtures.rng());
        Rng rng = new Rng(lengthSeed);
        int[] lengths = new int[batch];
        long valid = 0;
        for (int b = 0; b < batch; b++) {
            lengths[b] = 1 + rng.nextInt(steps);
            valid += lengths[b];
        }
        SequenceLengths l = SequenceLengths.of(steps, lengths);
        double each = 1.0 / valid;
        for (int t = 0; t < steps; t++) {
            int step = t;
            feeds.put("in[" + t + "]", Tensor.generate(DType.F32, Shape.of(batch), i -> rng.nextInt(vocab)));
            feeds.put("valid[" + t + "]", l.valid(t, DType.F32));
            if (lossAt[t]) {
                feeds.put("target[" + t + "]", Tensor.generate(DType.F32, Shape.of(batch), i -> rng.nextInt(vocab)));
            }
            if (!perSequence) {
                feeds.put("weight[" + t + "]", Tensor.generate(DType.F32, Shape.of(batch, 1), b -> step < lengths[b] ? each : 0));
            }
        }
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), w.graph(), "loss", feeds);
    }

    @Property(tries = 30, seed = "20261126")
    void truncatedWindowsAgree(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 8) int length,
            @ForAll @IntRange(min = 0, max = 7) int lossFrom, @ForAll @IntRange(min = 0, max = 4) int embedding,
            @ForAll @IntRange(min = 1, max = 2) int layers) {
        int vocab = 7;
        int batch = 3;
        SequenceModelSpec.Input in = new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, vocab, embedding);
        RecurrentSpec rnn = new RecurrentSpec(cell, in.networkWidth(), 4, layers, RecurrentSpec.Directions.ONE);
        SequenceModel model = new SequenceModel(new SequenceModelSpec(in, rnn,
                new SequenceModelSpec.Output(SequenceModelSpec.OutputKind.CLASSES, vocab)));
        boolean[] lossAt = new boolean[length];
        for (int t = 0; t < length; t++) {
            lossAt[t] = t >= Math.min(lossFrom, length - 1);
        }
        WindowGraph w = WindowGraph.build(model, batch, lossAt, DType.F32, WindowGraph.Mode.FORWARD);
        Map<String, Tensor> feeds = Fixtures.randomFeeds(w.graph(), Fixtures.rng());
        Rng rng = new Rng(length * 31L + lossFrom);
        for (int t = 0; t < length; t++) {
            feeds.put("in[" + t + "]", Tensor.generate(DType.F32, Shape.of(batch), i -> rng.nextInt(vocab)));
            feeds.put("target[" + t + "]", Tensor.generate(DType.F32, Shape.of(batch), i -> rng.nextInt(vocab)));
        }
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), w.graph(), "loss", feeds);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(batch * 4 * 2), w.graph(), "loss", feeds);
    }

    @Property(tries = 20, seed = "20261126")
    void groupsSplitIntoChunksAgree(@ForAll CellType cell, @ForAll @IntRange(min = 1, max = 60) int maxStack,
            @ForAll @IntRange(min = 2, max = 7) int steps) {
        RecurrentSpec spec = new RecurrentSpec(cell, 3, 4, 1, RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, steps, 2, DType.F32);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(maxStack), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }
}
