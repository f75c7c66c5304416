package dev.unfold.nn;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.exec.Interpreter;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.testkit.Fixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Embedding, Linear and the losses, alone and around an unfolded network. */
class ModulesGradCheckTest {
    @Test
    void characterModelEmbeddingLstmDecoderCrossEntropy() {
        int steps = 3;
        int batch = 2;
        int vocab = 5;
        GraphBuilder b = new GraphBuilder();
        Embedding emb = new Embedding("embed.", vocab, 3);
        Var table = b.parameter("embed.weight", Shape.of(vocab, 3), DType.F64);
        Linear dec = new Linear("decoder.", 4, vocab, dev.unfold.graph.Role.Part.OUTPUT_WEIGHT);
        Var w = b.parameter("decoder.weight", Shape.of(vocab, 4), DType.F64);
        Var bias = b.parameter("decoder.bias", Shape.of(vocab), DType.F64);
        Map<String, Tensor> feeds = new HashMap<>();
        Random rng = Fixtures.rng();
        List<Var> embedded = new ArrayList<>();
        List<Var> targets = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            b.at(t);
            Var tokens = b.input("tokens[" + t + "]", Shape.of(batch), DType.F64);
            targets.add(b.input("targets[" + t + "]", Shape.of(batch), DType.F64));
            feeds.put("tokens[" + t + "]", Tensor.wrap(Shape.of(batch), new double[] {t % vocab, (t * 2 + 1) % vocab}));
            feeds.put("targets[" + t + "]", Tensor.generate(DType.F64, Shape.of(batch), i -> rng.nextInt(vocab)));
            embedded.add(emb.apply(b, tokens, table));
        }
        RecurrentNetwork.Unfolded u = new RecurrentNetwork(new RecurrentSpec(CellType.LSTM, 3, 4, 1, RecurrentSpec.Directions.ONE))
                .unfold(b, embedded);
        Var loss = null;
        for (int t = 0; t < steps; t++) {
            Var logits = dec.apply(b.at(t), u.outputs().get(t), w, bias);
            Var lt = Losses.softmaxCrossEntropy(b, logits, targets.get(t));
            loss = loss == null ? lt : b.add(loss, lt);
        }
        b.output("loss", loss);
        Graph g = b.build();
        Map<String, Tensor> all = Fixtures.randomFeeds(g, rng);
        all.putAll(feeds);
        assertGradientsMatch(g, "loss", all);
    }

    @Test
    void meanSquaredErrorIsTheMeanOfSquares() {
        GraphBuilder b = new GraphBuilder();
        Var y = b.parameter("y", Shape.of(2, 3), DType.F64);
        Var t = b.input("t", Shape.of(2, 3), DType.F64);
        b.output("loss", Losses.meanSquaredError(b, y, t));
        Graph g = b.build();
        Map<String, Tensor> feeds = Map.of("y", Tensor.wrap(Shape.of(2, 3), new double[] {1, 2, 3, 4, 5, 6}),
                "t", Tensor.wrap(Shape.of(2, 3), new double[] {1, 0, 3, 1, 5, 6}));
        assertEquals((4 + 9) / 6.0, Interpreter.run(g, feeds).output("loss").get(0), 1e-15);
        assertGradientsMatch(g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }
}
