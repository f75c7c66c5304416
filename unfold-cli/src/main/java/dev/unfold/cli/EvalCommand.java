package dev.unfold.cli;

import dev.unfold.io.TextCorpus;
import dev.unfold.io.Vocabulary;
import dev.unfold.tensor.DType;
import dev.unfold.train.Evaluation;
import dev.unfold.train.SavedModel;
import dev.unfold.train.TaskEvaluation;
import dev.unfold.train.TextStreams;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold eval}: bits per character of a text, or a task model's score against its baseline. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained model: bits per character, or a task's metric and baseline.",
            "Character models score --text FILE (last line 'bits_per_char=...'); task models score fresh test sequences",
            "against the memoryless baseline."})
final class EvalCommand implements Callable<Integer> {
    static final int STREAMS = 16;
    static final int WINDOW = 256;

    @Option(names = "--model", required = true, description = "Run folder with a checkpoint.")
    Path model;

    @Option(names = "--text", description = "UTF-8 text to score (character models).")
    Path text;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SavedModel saved = SavedModel.load(model);
        PrintWriter out = spec.commandLine().getOut();
        if (saved.vocabulary().isEmpty()) {
            if (text != null) {
                throw new IllegalArgumentException(model + " holds a model for the " + saved.config().data().task() + " task; it takes no --text");
            }
            TaskEvaluation.Report r = TaskEvaluation.run(saved, dev.unfold.exec.CompiledExecutor.perCore());
            out.printf(Locale.ROOT, "task=%s length=%d%n", saved.config().data().task(), saved.config().data().length());
            r.extra().forEach((k, v) -> out.printf(Locale.ROOT, "%s=%.6f%n", k, v));
            out.printf(Locale.ROOT, "baseline=%.6f%n", r.baseline());
            out.printf(Locale.ROOT, "%s=%.6f%n", r.metric(), r.value());
            return 0;
        }
        if (text == null) {
            throw new IllegalArgumentException("a character model needs --text FILE to score");
        }
        Vocabulary vocab = saved.vocabulary().get();
        Vocabulary.Encoded enc = vocab.encode(TextCorpus.read(text));
        if (enc.ids().length < 2) {
            throw new IllegalArgumentException(text + " has fewer than 2 characters; nothing to predict");
        }
        int streams = Math.max(1, Math.min(STREAMS, enc.ids().length / 64));
        TextStreams s = new TextStreams(enc.ids(), streams, vocab.size());
        Evaluation.Total total = new Evaluation(saved.model(), streams, WINDOW, dev.unfold.exec.CompiledExecutor.perCore(), DType.F32)
                .run(saved.params(), s.episode(0, new dev.unfold.tensor.Rng(0), DType.F32));
        out.printf(Locale.ROOT, "characters=%d predicted=%d unknown_chars=%d%n", enc.ids().length, total.steps() * streams, enc.unknown());
        out.printf(Locale.ROOT, "bits_per_char=%.6f%n", total.mean() / Math.log(2));
        return 0;
    }
}
