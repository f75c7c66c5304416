package dev.unfold.cli;

import dev.unfold.data.TextStreams;
import dev.unfold.eval.Evaluation;
import dev.unfold.eval.TaskEvaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.TextCorpus;
import dev.unfold.io.Vocabulary;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.window.MemoryEstimate;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold eval}: bits per character of a text, or a task model's score against its baseline. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained model: bits per character, a task's metric and baseline, or a data model's scores on --data FILE",
            "(last line 'accuracy=...' for classify, 'mse=...' for regress).",
            "Character models score --text FILE (last line 'bits_per_char=...'); task models score fresh test sequences",
            "against the memoryless baseline."})
final class EvalCommand implements Callable<Integer> {
    static final int STREAMS = 16;
    static final int WINDOW = 256;

    @Option(names = "--model", required = true, description = "Run folder with a checkpoint.")
    Path model;

    @Option(names = "--text", description = "UTF-8 text to score (character models).")
    Path text;

    @Option(names = "--data", description = "Sequences with targets to score (models trained with --data), read as the training data was.")
    Path data;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ModelFolder folder = checkpoints.load(model);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "checkpoint=%s update=%d%n", folder.file().getFileName(), folder.trained().step());
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            if (folder.isDataModel()) {
                if (data == null) {
                    throw new IllegalArgumentException(model + " holds a model trained on sequences of a data file; score one with --data FILE");
                }
                DataScores.print(out, folder, folder.readFile(data, true), runner);
                return 0;
            }
            if (data != null) {
                throw new IllegalArgumentException(model + " holds a model trained on " + (folder.isCharacterModel() ? "a text; score one with --text FILE"
                        : "the " + folder.taskName() + " task; it takes no --data"));
            }
            if (!folder.isCharacterModel()) {
                if (text != null) {
                    throw new IllegalArgumentException(model + " holds a model for the " + folder.taskName() + " task; it takes no --text");
                }
                var task = folder.requireTask();
                MemoryEstimate.inference(folder.trained().model().spec(), task.batch(), task.length()).requireFits("evaluating " + model);
                TaskEvaluation.Report r = TaskEvaluation.run(folder.trained().model(), folder.trained().weights(), task, runner);
                out.printf(Locale.ROOT, "task=%s length=%d%n", task.name(), folder.taskLength());
                r.extra().forEach((k, v) -> out.printf(Locale.ROOT, "%s=%.6f%n", k, v));
                out.printf(Locale.ROOT, "baseline=%.6f%n", r.baseline());
                out.printf(Locale.ROOT, "%s=%.6f%n", r.metric(), r.value());
                return 0;
            }
            if (text == null) {
                throw new IllegalArgumentException("a character model needs --text FILE to score");
            }
            MemoryEstimate.inference(folder.trained().model().spec(), STREAMS, WINDOW).requireFits("evaluating " + model);
            Vocabulary vocab = folder.trained().vocabulary().orElseThrow();
            Vocabulary.Encoded enc = vocab.encode(TextCorpus.read(text));
            if (enc.ids().length < 2) {
                throw new IllegalArgumentException(text + " has fewer than 2 characters; nothing to predict");
            }
            int streams = Math.max(1, Math.min(STREAMS, enc.ids().length / 64));
            TextStreams s = new TextStreams(enc.ids(), streams, vocab.size());
            Evaluation.Total total = new Evaluation(folder.trained().model(), streams, WINDOW, runner, DType.F32)
                    .run(folder.trained().weights(), s.episode(0, new Rng(0), DType.F32));
            out.printf(Locale.ROOT, "characters=%d predicted=%d unknown_chars=%d%n", enc.ids().length, total.steps() * streams, enc.unknown());
            out.printf(Locale.ROOT, "bits_per_char=%.6f%n", total.mean() / Math.log(2));
            return 0;
        }
    }
}
