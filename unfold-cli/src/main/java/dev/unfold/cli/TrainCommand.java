package dev.unfold.cli;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.run.TrainingRun;
import dev.unfold.store.Checkpointing;
import dev.unfold.train.DataSpec;
import dev.unfold.train.RunConfig;
import dev.unfold.train.TrainingDivergedException;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold train}: train a character model, a long-memory task or a model of a data file's sequences. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on text, on a long-memory task, or on sequences of your own, with full or truncated BPTT.",
            "Text is the embedded King James corpus by default, or --text FILE; tasks are adding, copy and parity;",
            "--data FILE --task classify|regress|forecast|label|lm learns from sequences of your own (JSON Lines, or long-form CSV).",
            "Writes DIR/checkpoint.safetensors and DIR/metrics.jsonl; Ctrl-C saves a checkpoint; --resume continues."})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainOptions options = new TrainOptions();

    @Option(names = "--out", required = true, description = "Run folder (checkpoint, metrics).")
    Path out;

    @Option(names = "--spark", paramLabel = "MASTER", description = {"Train on Apache Spark at MASTER (local[N], spark://HOST:PORT, yarn, k8s://URL):",
        "each update's batch is split into one shard per partition and the gradients merged as one machine merges its shards,",
        "so the run is the one a single process gives. Through ./unfold, which adds the Spark module on first use."})
    String spark;

    @Option(names = "--partitions", description = "With --spark: shards of each batch, one task each (default: the cluster's default parallelism).")
    Integer partitions;

    @Option(names = "--resume", description = "Continue the run in --out from its checkpoint; only --steps and --minutes may change.")
    boolean resume;

    @Option(names = "--force", description = "Replace the run that --out holds (its checkpoint and metrics go when training starts).")
    boolean force;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return Choices.Precision.during(options.precision, this::train);
    }

    private Integer train() throws IOException {
        if (resume && force) {
            throw new IllegalArgumentException("give --resume or --force, not both");
        }
        if (!resume && !force && TrainingRun.holdsRun(out)) {
            throw new IllegalArgumentException(out + " holds a run already; continue it with --resume, or replace it with --force");
        }
        RunConfig config = resume ? options.resumed(savedRun(), spec.commandLine().getParseResult()) : options.config();
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        TrainingRun.Start start = resume ? TrainingRun.Start.RESUME : force ? TrainingRun.Start.REPLACE : TrainingRun.Start.FRESH;
        if (partitions != null && spark == null) {
            throw new IllegalArgumentException("--partitions splits batches across a Spark cluster; give --spark MASTER");
        }
        if (spark != null && config.plan().memory().isPresent()) {
            throw new IllegalArgumentException("--memory-budget with --spark: memory-bounded BPTT runs its units on this machine, not on the partitions;"
                    + " train under a budget without --spark, or on Spark with full BPTT");
        }
        if (partitions != null && (partitions < 1 || partitions > config.plan().batch())) {
            throw new IllegalArgumentException("--partitions must be between 1 and the batch of " + config.plan().batch() + " sequences (a partition needs a"
                    + " row of the batch), got " + partitions);
        }
        TrainingRun.Result r = runWithCtrlC(config, out, start, err, () -> runner(config), result -> {
            stdout.printf(Locale.ROOT, "%s after %d updates (%,d tokens, %s): last loss %.4f%s%n",
                    result.stopped() ? "stopped" : "finished", result.steps(), result.tokens(), TerminalProgress.duration(result.seconds()),
                    result.lastLoss(), result.validation().isPresent()
                            ? String.format(Locale.ROOT, ", validation %s %.4f", result.metric(), result.validation().getAsDouble()) : "");
            stdout.println("checkpoint: " + out.resolve(Checkpointing.FILE));
            result.best().ifPresent(b -> stdout.printf(Locale.ROOT, "best: %s at update %d (%s %.4f)%n", out.resolve(Checkpointing.BEST_FILE),
                    b.step(), result.metric(), b.value()));
            result.stoppedEarly().ifPresent(why -> stdout.println("stopped early: " + why));
            if (result.validationSequences().isPresent() && !result.stopped()) {
                try {
                    DataReport.afterTraining(out, result.validationSequences().get(), stdout);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            stdout.flush();
        });
        return r.stopped() ? 130 : 0;
    }

    private RunConfig savedRun() throws IOException {
        return Checkpointing.load(out).manifest().run().orElseThrow(() -> new IllegalArgumentException(
                out + " holds a model saved without a run configuration; it cannot be resumed"));
    }

    /**
     * Runs training; Ctrl-C asks it to stop at the next update, and the JVM waits until the checkpoint is
     * written and {@code report} has printed the outcome.
     */
    static TrainingRun.Result runWithCtrlC(RunConfig config, Path out, TrainingRun.Start start, PrintWriter err,
            java.util.function.Consumer<TrainingRun.Result> report) throws IOException {
        return runWithCtrlC(config, out, start, err, () -> WindowRunner.perCore(new CompiledExecutor()), report);
    }

    /** One shard per core, or with {@code --spark} the cluster's runner, refused when it is not on the class path or the batch has fewer rows than partitions. */
    private WindowRunner runner(RunConfig config) {
        if (spark == null) {
            return WindowRunner.perCore(new CompiledExecutor());
        }
        dev.unfold.window.DistributedRunners engine = dev.unfold.window.DistributedRunners.find("spark").orElseThrow(() -> new IllegalArgumentException(
                "--spark needs Unfold's Spark module and Spark on the class path: run it through ./unfold, which builds them on first use,"
                        + " or with spark-submit and the module's jar (docs/SCALE-OUT.md)"));
        WindowRunner r = engine.connect(spark, partitions == null ? 0 : partitions);
        if (r.shards() > config.plan().batch()) {
            int n = r.shards();
            r.close();
            throw new IllegalArgumentException("--spark " + spark + " has " + n + " partitions, more than the batch of " + config.plan().batch()
                    + " sequences; give --partitions N of at most " + config.plan().batch() + ", or a larger --batch");
        }
        return r;
    }

    static TrainingRun.Result runWithCtrlC(RunConfig config, Path out, TrainingRun.Start start, PrintWriter err,
            java.util.function.Supplier<WindowRunner> runners, java.util.function.Consumer<TrainingRun.Result> report) throws IOException {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        TerminalProgress progress = new TerminalProgress(err, System.console() != null, config.data() instanceof DataSpec.Text ? "bits/char"
                : config.data() instanceof DataSpec.Data d ? (d.task().classes() ? "cross-entropy" : "loss, standardised") : "");
        try (WindowRunner runner = runners.get()) {
            TrainingRun.Result result = new TrainingRun(config, out, progress, stop, runner).run(start);
            progress.endLine();
            report.accept(result);
            return result;
        } catch (TrainingDivergedException e) {
            progress.endLine();
            throw new TrainingFailed("training diverged: " + e.getMessage());
        } finally {
            progress.endLine();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                err.println("unfold: interrupted; checkpoint saved in " + out);
            }
        }
    }
}
