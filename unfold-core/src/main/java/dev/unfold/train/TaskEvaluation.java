package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import java.util.LinkedHashMap;
import java.util.Map;

/** A task model's score on fresh test sequences (a fixed seed, so runs compare), with the task's baseline. */
public final class TaskEvaluation {
    private TaskEvaluation() {
    }

    public record Report(String metric, double value, double baseline, Map<String, Double> extra) {
    }

    public static Report run(SavedModel saved, Executor executor) {
        TrainConfig c = saved.config();
        LongMemoryTask task = LongMemoryTask.create(c.data().task(), c.data().length(), c.schedule().batch());
        Evaluation eval = new Evaluation(saved.model(), c.schedule().batch(), task.length(), executor, DType.F32);
        Rng rng = new Rng(RunData.TEST_SEED);
        Evaluation.Total total = new Evaluation.Total(0, 0);
        for (int i = 0; i * c.schedule().batch() < RunData.TEST_SEQUENCES; i++) {
            total = total.plus(eval.run(saved.params(), task.episode(i, rng, DType.F32)));
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("test_sequences", (double) (total.steps() > 0 ? RunData.TEST_SEQUENCES : 0));
        return new Report(task.metric().replace(' ', '_'), total.mean(), task.baseline(), extra);
    }
}
