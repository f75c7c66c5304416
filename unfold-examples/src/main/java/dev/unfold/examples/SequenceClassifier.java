package dev.unfold.examples;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.JsonlSequences;
import dev.unfold.data.SequenceTask;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.nn.CellType;
import dev.unfold.optim.Clipping;
import dev.unfold.run.TrainingRun;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.train.DataSpec;
import dev.unfold.train.ModelSettings;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingPlan;
import dev.unfold.window.WindowRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sequences of your own, of their own lengths: event logs whose class is the kind of their first event, written
 * as JSON Lines, trained into a run folder, loaded back and scored on sequences the run never saw.
 */
public class SequenceClassifier {
    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("sequences");
        Path train = write(dir.resolve("train.jsonl"), 800, new Random(1));
        Path test = write(dir.resolve("test.jsonl"), 200, new Random(2));

        DataSpec.Data data = new DataSpec.Data(train, Optional.empty(), SequenceTask.CLASSIFY, 0.1, Optional.empty(), Optional.empty());
        TrainingPlan plan = TrainingPlan.builder().batch(32).learningRate(5e-3).clipping(Clipping.byNorm(5))
                .updates(args.length > 0 ? Long.parseLong(args[0]) : 300).build();
        RunConfig config = new RunConfig(data, new ModelSettings(CellType.GRU, 32, 1, 16), plan);
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            new TrainingRun(config, dir.resolve("run"), TrainingRun.quiet(), new AtomicBoolean(), runner).run(TrainingRun.Start.FRESH);

            TrainedModel model = TrainedModel.load(dir.resolve("run"));
            EncodedSequences unseen = EncodedSequences.of(JsonlSequences.read(test), model.tables().orElseThrow(), true);
            DatasetEvaluation.Scores scores = new DatasetEvaluation(model.model(), runner, DType.F32, 64)
                    .run(model.weights(), unseen).scores().orElseThrow();
            System.out.printf("accuracy %.3f on %d unseen sequences%n", scores.metrics().get("accuracy"), scores.scored());
        }
    }

    /** {@code n} logs of 3 to 20 events; a log's class is its first event's kind. */
    private static Path write(Path file, int n, Random rng) throws Exception {
        String[] events = {"login", "view", "buy", "logout"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int length = 3 + rng.nextInt(18);
            StringBuilder tokens = new StringBuilder();
            String first = null;
            for (int t = 0; t < length; t++) {
                String e = events[rng.nextInt(events.length)];
                first = first == null ? e : first;
                tokens.append(t == 0 ? "" : ", ").append('"').append(e).append('"');
            }
            sb.append("{\"tokens\": [").append(tokens).append("], \"label\": \"starts with ").append(first).append("\"}\n");
        }
        Files.writeString(file, sb);
        return file;
    }
}
