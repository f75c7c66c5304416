package dev.unfold.eval;

import dev.unfold.data.LongMemoryTask;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.window.WindowRunner;
import java.util.LinkedHashMap;
import java.util.Map;

/** A task model's score on fresh test sequences (a fixed seed, so runs compare), with the task's baseline. */
public final class TaskEvaluation {
    /** Seed of a task's test sequences: the same for every run, so runs compare. */
    public static final long TEST_SEED = 424242L;
    /** How many test sequences a task is scored on. */
    public static final int TEST_SEQUENCES = 512;

    private TaskEvaluation() {
    }

    public record Report(String metric, double value, double baseline, Map<String, Double> extra) {
    }

    public static Report run(RecurrentModel model, Weights weights, LongMemoryTask task, WindowRunner runner) {
        Evaluation eval = new Evaluation(model, task.batch(), task.length(), runner, DType.F32);
        Rng rng = new Rng(TEST_SEED);
        Evaluation.Total total = new Evaluation.Total(0, 0);
        for (int i = 0; i * task.batch() < TEST_SEQUENCES; i++) {
            total = total.plus(eval.run(weights, task.episode(i, rng, DType.F32)));
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("test_sequences", (double) (total.steps() > 0 ? TEST_SEQUENCES : 0));
        return new Report(task.metric().replace(' ', '_'), total.mean(), task.baseline(), extra);
    }
}
