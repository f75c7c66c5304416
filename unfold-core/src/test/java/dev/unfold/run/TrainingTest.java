package dev.unfold.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.data.TextData;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.SequenceModel;
import dev.unfold.train.TrainingPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory facade keeps the best validation's weights and stops when its patience runs out. */
class TrainingTest {
    private static final String TRAIN = "the cat sat on the mat. ".repeat(200);
    private static final String VALIDATION = "a dog ran to a log! ".repeat(30);

    private static TrainingPlan plan(long updates, int patience) {
        return TrainingPlan.builder().batch(4).sequenceLength(16).learningRate(0.002).updates(updates)
                .intervals(new TrainingPlan.Intervals(10, 10, 0)).seed(3).patience(patience).build();
    }

    private static Training.Result train(TrainingPlan plan, List<Double> scores) {
        TextData data = TextData.withValidationText(TRAIN, VALIDATION, plan.batch());
        SequenceModel model = SequenceModel.builder().tokens(data.vocabulary().size()).embedding(8).cell(CellType.LSTM).hidden(16)
                .classes(data.vocabulary().size()).build();
        return Training.of(model, data, plan).onValidation(scores::add).run();
    }

    @Test
    void theResultKeepsTheWeightsOfTheBestValidation() {
        List<Double> scores = new ArrayList<>();
        Training.Result r = train(plan(120, 0), scores);
        assertEquals(12, scores.size());
        int best = 0;
        for (int i = 1; i < scores.size(); i++) {
            best = scores.get(i) < scores.get(best) ? i : best;
        }
        assertEquals(10L * (best + 1), r.bestStep().getAsLong());
        assertEquals(scores.get(best), r.best().getAsDouble());
        assertEquals(scores.get(scores.size() - 1), r.validation().getAsDouble());
        assertTrue(r.bestStep().getAsLong() < 120, "the validation turned");
        assertEquals(r.bestStep().getAsLong(), r.model().step());
        assertEquals(120, r.lastModel().step());
        Parameter p = r.model().model().parameters().get(0);
        assertFalse(java.util.Arrays.equals(r.model().weights().get(p).f32(), r.lastModel().weights().get(p).f32()));
        assertFalse(r.stoppedEarly());
        Training.Result shorter = train(plan(r.bestStep().getAsLong(), 0), new ArrayList<>());
        assertArrayEquals(shorter.lastModel().weights().get(p).f32(), r.model().weights().get(p).f32(), "the weights of that update");
    }

    @Test
    void patienceStopsTrainingEarly() {
        List<Double> scores = new ArrayList<>();
        Training.Result r = train(plan(1000, 2), scores);
        assertTrue(r.stoppedEarly());
        assertEquals(r.bestStep().getAsLong() + 20, r.last().step());
        assertEquals(r.last().step() / 10, scores.size());
    }
}
