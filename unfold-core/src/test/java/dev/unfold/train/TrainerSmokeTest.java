package dev.unfold.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.Executor;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.InitScheme;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.optim.Adam;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.tensor.DType;
import org.junit.jupiter.api.Test;

class TrainerSmokeTest {
    @Test
    void lstmLearnsARepeatingText() {
        String text = "abcdefgh".repeat(200);
        Vocabulary v = Vocabulary.of(text);
        TextStreams streams = new TextStreams(v.encode(text).ids(), 4, v.size());
        RecurrentSpec rnn = new RecurrentSpec(CellType.LSTM, 8, 16, 1, RecurrentSpec.Directions.ONE);
        SequenceModel model = new SequenceModel(new SequenceModelSpec(streams.input(8), rnn, streams.output()));
        Trainer trainer = new Trainer(new Trainer.Setup(model, streams, new TruncatedBptt(16, 16), new Adam(),
                new LearningRateSchedule.Constant(0.01), Clipping.none(), Executor.reference(), DType.F32));
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
