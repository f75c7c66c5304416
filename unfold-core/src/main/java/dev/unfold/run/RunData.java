package dev.unfold.run;

import dev.unfold.data.DataTables;
import dev.unfold.data.EncodedSequences;
import dev.unfold.data.Episode;
import dev.unfold.data.LongMemoryTask;
import dev.unfold.data.SequenceSource;
import dev.unfold.data.SequenceTask;
import dev.unfold.data.TextData;
import dev.unfold.eval.TaskEvaluation;
import dev.unfold.io.TextCorpus;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.SequenceModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.train.DataSpec;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingPlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data and model a run's configuration describes: for text, the vocabulary, a training stream set and the
 * validation text (the last part of the file); for a task, its generator and fixed test episodes.
 */
public record RunData(String name, SequenceSource train, Optional<Vocabulary> vocabulary, Optional<LongMemoryTask> task,
        List<Episode> validation, int validationBatch, SequenceModel model, Optional<String> sha256, Optional<DataRun> data) {

    /** A data file's run: its tables, and the sequences it validates on. */
    public record DataRun(DataTables tables, SequenceTask task, EncodedSequences validation, int longest, double paddedShare) {
    }

    /** The data and model of a text or a generated task. */
    public RunData(String name, SequenceSource train, Optional<Vocabulary> vocabulary, Optional<LongMemoryTask> task,
            List<Episode> validation, int validationBatch, SequenceModel model, Optional<String> sha256) {
        this(name, train, vocabulary, task, validation, validationBatch, model, sha256, Optional.empty());
    }

    public static RunData prepare(RunConfig config, DType dtype) throws IOException {
        if (config.data() instanceof DataSpec.Data d) {
            return DataRuns.prepare(config, d);
        }
        if (config.data() instanceof DataSpec.Task t) {
            int batch = config.plan().batch();
            LongMemoryTask task = t.kind().create(t.length(), batch);
            List<Episode> test = new ArrayList<>();
            Rng rng = new Rng(TaskEvaluation.TEST_SEED);
            for (int i = 0; i * batch < TaskEvaluation.TEST_SEQUENCES; i++) {
                test.add(task.episode(i, rng, dtype));
            }
            String name = task.name() + " task, T=" + t.length();
            SequenceModel model = config.model().model(task.input(0), task.output());
            return new RunData(name, task, Optional.empty(), Optional.of(task), test, batch, model, Optional.empty());
        }
        DataSpec.Text d = (DataSpec.Text) config.data();
        String text = d.file().isEmpty() ? TextCorpus.embedded() : TextCorpus.read(d.file().get());
        String name = d.file().map(f -> f.getFileName().toString()).orElse(TextCorpus.DEFAULT_NAME);
        RunData data = d.validationFile().isPresent() ? withValidationText(config, name, text, d.validationFile().get(), dtype)
                : forText(config, name, text, Vocabulary.of(text), dtype);
        return d.file().isEmpty() ? data : data.withHash(sha256(text));
    }

    /** The whole text trains; {@code file}, read with the training text's vocabulary, validates. */
    private static RunData withValidationText(RunConfig config, String name, String text, Path file, DType dtype) throws IOException {
        TrainingPlan plan = config.plan();
        TextData data = TextData.withValidationText(text, TextCorpus.read(file), plan.batch());
        requireLongEnough(data.trainingCharacters(), plan);
        if (data.validation().isEmpty()) {
            throw new IllegalArgumentException(file + ": too short to validate on");
        }
        return of(config, name, data);
    }

    RunData withHash(String hash) {
        return new RunData(name, train, vocabulary, task, validation, validationBatch, model, Optional.of(hash), data);
    }

    /** The SHA-256 of the text, hex. */
    static String sha256(String text) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (byte b : h) {
                sb.append(String.format("%02x", b));
            }
            return sb.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Text data with a given vocabulary (a checkpoint's, when measuring a model on another text). */
    public static RunData forText(RunConfig config, String name, String text, Vocabulary vocab, DType dtype) {
        TextData data = TextData.of(text, vocab, config.plan().batch(), ((DataSpec.Text) config.data()).validationFraction());
        requireLongEnough(data.trainingCharacters(), config.plan());
        return of(config, name, data);
    }

    private static void requireLongEnough(int trainLength, TrainingPlan plan) {
        int window = Math.max(plan.windows().k1(), plan.windows().k2());
        long needed = (long) plan.batch() * (window + 1);
        if (trainLength < needed) {
            throw new IllegalArgumentException("the training text has " + trainLength + " characters; a batch of " + plan.batch()
                    + " streams with windows of " + window + " steps needs at least " + needed);
        }
    }

    private static RunData of(RunConfig config, String name, TextData data) {
        SequenceModel model = config.model().model(data.train().input(config.model().embedding()), data.train().output());
        return new RunData(name, data.train(), Optional.of(data.vocabulary()), Optional.empty(), data.validation().map(List::of).orElse(List.of()),
                data.validationStreams(), model, Optional.empty());
    }

    /** The key of the validation metric in metrics.jsonl: bits per character, or the task's metric. */
    public String metricKey() {
        if (data.isPresent()) {
            return data.get().task().classes() ? "cross_entropy" : "loss";
        }
        return task.map(t -> t.metric().replace(' ', '_')).orElse("bits_per_char");
    }
}
