package dev.unfold.train;

import dev.unfold.io.TextCorpus;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The data and model a configuration describes: for text, the vocabulary, a training stream set and the
 * validation text (the last part of the file); for a task, its generator and fixed test episodes.
 */
public record RunData(String name, SequenceSource train, Optional<Vocabulary> vocabulary, List<Episode> validation,
        int validationBatch, SequenceModel model, long validationUnknown) {

    /** Seed of a task's test episodes: the same for every run, so runs compare. */
    static final long TEST_SEED = 424242L;
    static final int TEST_SEQUENCES = 512;
    static final int VALIDATION_STREAMS = 16;

    public static RunData prepare(TrainConfig config, DType dtype) throws IOException {
        TrainConfig.Data d = config.data();
        TrainConfig.Schedule s = config.schedule();
        if (d.isTask()) {
            LongMemoryTask task = LongMemoryTask.create(d.task(), d.length(), s.batch());
            List<Episode> test = new ArrayList<>();
            Rng rng = new Rng(TEST_SEED);
            for (int i = 0; i * s.batch() < TEST_SEQUENCES; i++) {
                test.add(task.episode(i, rng, dtype));
            }
            String name = task.name() + " task, T=" + d.length();
            return new RunData(name, task, Optional.empty(), test, s.batch(), model(config, task), 0);
        }
        String text = d.text().isEmpty() ? TextCorpus.embedded() : TextCorpus.read(Path.of(d.text()));
        String name = d.text().isEmpty() ? TextCorpus.DEFAULT_NAME : Path.of(d.text()).getFileName().toString();
        return forText(config, name, text, Vocabulary.of(text), dtype);
    }

    /** Text data with a given vocabulary (a checkpoint's, when evaluating a model on another text). */
    public static RunData forText(TrainConfig config, String name, String text, Vocabulary vocab, DType dtype) {
        TrainConfig.Schedule s = config.schedule();
        Vocabulary.Encoded all = vocab.encode(text);
        int[] ids = all.ids();
        double fraction = config.data().validationFraction();
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("--val-fraction must be between 0 and 1, got " + fraction);
        }
        int valLength = (int) Math.round(ids.length * fraction);
        int trainLength = ids.length - valLength;
        int needed = s.batch() * (Math.max(s.k1(), s.k2()) + 1);
        if (trainLength < needed) {
            throw new IllegalArgumentException("the training text has " + trainLength + " characters; --seq " + Math.max(s.k1(), s.k2())
                    + " with --batch " + s.batch() + " needs at least " + needed);
        }
        int[] train = java.util.Arrays.copyOfRange(ids, 0, trainLength);
        int[] val = java.util.Arrays.copyOfRange(ids, trainLength, ids.length);
        TextStreams streams = new TextStreams(train, s.batch(), vocab.size());
        int valStreams = Math.max(1, Math.min(VALIDATION_STREAMS, val.length / 64));
        List<Episode> validation = val.length < 2 * valStreams ? List.of()
                : List.of(new TextStreams(val, valStreams, vocab.size()).episode(0, new Rng(0), dtype));
        long unknownInVal = java.util.Arrays.stream(val).filter(i -> i == 0).count();
        return new RunData(name, streams, Optional.of(vocab), validation, valStreams, model(config, streams), unknownInVal);
    }

    static SequenceModel model(TrainConfig config, SequenceSource source) {
        TrainConfig.Model m = config.model();
        SequenceModelSpec.Input input = source.input(m.embedding());
        RecurrentSpec rnn = new RecurrentSpec(m.cellType(), input.networkWidth(), m.hidden(), m.layers(), RecurrentSpec.Directions.ONE);
        return new SequenceModel(new SequenceModelSpec(input, rnn, source.output()));
    }
}
