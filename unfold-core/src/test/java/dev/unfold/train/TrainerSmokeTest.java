package dev.unfold.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.TextStreams;
import dev.unfold.exec.Executor;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.SequenceModel;
import dev.unfold.tensor.DType;
import dev.unfold.window.WindowRunner;
import org.junit.jupiter.api.Test;

class TrainerSmokeTest {
    @Test
    void lstmLearnsARepeatingText() {
        String text = "abcdefgh".repeat(200);
        Vocabulary v = Vocabulary.of(text);
        TextStreams streams = new TextStreams(v.encode(text).ids(), 4, v.size());
        SequenceModel model = SequenceModel.builder().tokens(v.size()).embedding(8).cell(CellType.LSTM).hidden(16).classes(v.size()).build();
        TrainingPlan plan = TrainingPlan.builder().batch(4).sequenceLength(16).learningRate(0.01).build();
        Trainer trainer = new Trainer(model, streams, plan, WindowRunner.local(Executor.reference()), DType.F32);
        trainer.initialize(InitScheme.PYTORCH, 1);
        double first = trainer.step().loss();
        double last = first;
        for (int i = 0; i < 150; i++) {
            last = trainer.step().loss();
        }
        assertTrue(first > 2.0, "starts near ln 9: " + first);
        assertTrue(last < 0.1, "learns the cycle: " + last);
    }
}
