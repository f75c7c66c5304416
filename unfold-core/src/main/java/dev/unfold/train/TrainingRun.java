package dev.unfold.train;

import dev.unfold.exec.Executor;
import dev.unfold.io.Vocabulary;
import dev.unfold.tensor.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole training run into a folder: updates until the budget (steps or minutes) is spent or a stop is
 * requested, with metrics appended to {@code metrics.jsonl}, validation at an interval, and checkpoints
 * at an interval, at the end and on a stop. A NaN or infinite loss ends the run without touching the last
 * good checkpoint.
 */
public final class TrainingRun {
    private final TrainConfig config;
    private final Path dir;
    private final Listener listener;
    private final AtomicBoolean stop;
    private final Executor executor;
    private final DType dtype = DType.F32;

    /** What the caller sees while it runs. */
    public interface Listener {
        void started(String description, long fromStep);

        void progress(Progress p);

        default void validated(long step, String metric, double value) {
        }

        default void checkpointed(long step, Path file) {
        }
    }

    /** One report of progress; {@code fraction} of the budget spent, 0 to 1. */
    public record Progress(long step, long tokens, double seconds, double loss, double tokensPerSecond,
            OptionalDouble validation, double fraction) {
    }

    /** How a run ended. */
    public record Result(long steps, long tokens, double seconds, double lastLoss, OptionalDouble validation, String metric, boolean stopped) {
    }

    public TrainingRun(TrainConfig config, Path dir, Listener listener, AtomicBoolean stop, Executor executor) {
        this.config = config;
        this.dir = dir;
        this.listener = listener;
        this.stop = stop;
        this.executor = executor;
    }

    /** Trains from scratch, or from the checkpoint in the folder when {@code resume}. */
    public Result run(boolean resume) throws IOException {
        Files.createDirectories(dir);
        RunData data = RunData.prepare(config, dtype);
        TrainConfig.Optimization o = config.optimization();
        TrainConfig.Schedule s = config.schedule();
        Trainer trainer = new Trainer(new Trainer.Setup(data.model(), data.train(), s.tbptt(), o.createOptimizer(),
                o.createSchedule(s.steps()), o.clipping(), executor, dtype));
        double elapsedBefore = 0;
        if (resume) {
            Checkpointing.Checkpoint c = Checkpointing.load(dir);
            checkVocabulary(c.manifest(), data);
            trainer.restore(c.state());
            elapsedBefore = c.manifest().elapsedSeconds();
        } else {
            trainer.initialize(config.model().initScheme(), config.seed());
        }
        Evaluation eval = new Evaluation(data.model(), data.validationBatch(), s.seq(), executor, dtype);
        try (MetricsLog log = MetricsLog.open(dir, trainer.updates(), resume)) {
            return loop(trainer, data, eval, log, elapsedBefore);
        }
    }

    private Result loop(Trainer trainer, RunData data, Evaluation eval, MetricsLog log, double elapsedBefore) throws IOException {
        TrainConfig.Schedule s = config.schedule();
        listener.started(data.name(), trainer.updates());
        long startNanos = System.nanoTime();
        long startTokens = trainer.snapshot().tokens();
        OptionalDouble validation = OptionalDouble.empty();
        double lastLoss = Double.NaN;
        while (!budgetSpent(trainer.updates(), elapsed(startNanos, elapsedBefore)) && !stop.get()) {
            Trainer.Update u;
            try {
                u = trainer.step();
            } catch (TrainingDivergedException e) {
                log.write(Map.of("step", e.step(), "event", "diverged", "message", e.getMessage()));
                throw e.noting("; stopped, and the last good checkpoint " + (Checkpointing.exists(dir) ? "in " + dir + " is kept" : "does not exist yet"));
            }
            lastLoss = u.loss();
            double seconds = elapsed(startNanos, elapsedBefore);
            double rate = (u.tokens() - startTokens) / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            if (u.step() % s.logEvery() == 0) {
                log.write(fields(u, seconds, rate));
                listener.progress(new Progress(u.step(), u.tokens(), seconds, u.loss(), rate, validation, fraction(u.step(), seconds)));
            }
            if (s.evalEvery() > 0 && u.step() % s.evalEvery() == 0) {
                validation = validate(trainer, data, eval, log);
            }
            if (s.checkpointEvery() > 0 && u.step() % s.checkpointEvery() == 0) {
                checkpoint(trainer, data, elapsed(startNanos, elapsedBefore));
            }
        }
        boolean justValidated = s.evalEvery() > 0 && trainer.updates() % s.evalEvery() == 0;
        if (trainer.updates() > 0 && !(justValidated && validation.isPresent())) {
            validation = validate(trainer, data, eval, log);
        }
        checkpoint(trainer, data, elapsed(startNanos, elapsedBefore));
        return new Result(trainer.updates(), trainer.snapshot().tokens(), elapsed(startNanos, elapsedBefore), lastLoss,
                validation, metricName(data), stop.get());
    }

    private OptionalDouble validate(Trainer trainer, RunData data, Evaluation eval, MetricsLog log) {
        if (data.validation().isEmpty()) {
            return OptionalDouble.empty();
        }
        Evaluation.Total total = new Evaluation.Total(0, 0);
        for (Episode e : data.validation()) {
            total = total.plus(eval.run(trainer.params(), e));
        }
        double value = data.vocabulary().isPresent() ? total.mean() / Math.log(2) : total.mean();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("step", trainer.updates());
        f.put("val_" + metricKey(data), value);
        log.write(f);
        listener.validated(trainer.updates(), metricName(data), value);
        return OptionalDouble.of(value);
    }

    private void checkpoint(Trainer trainer, RunData data, double elapsed) throws IOException {
        TrainingState st = trainer.snapshot();
        List<String> vocab = data.vocabulary().map(Vocabulary::symbols).orElse(List.of());
        Checkpointing.save(dir, new Checkpointing.Manifest(Checkpointing.FORMAT, Checkpointing.VERSION, config, vocab, st.step(),
                st.tokens(), st.episodeIndex(), st.episodeSeed(), st.position(), st.optimizer().optimizer(),
                st.optimizer().steps(), elapsed), st);
        listener.checkpointed(st.step(), dir.resolve(Checkpointing.FILE));
    }

    private static void checkVocabulary(Checkpointing.Manifest m, RunData data) {
        List<String> now = data.vocabulary().map(Vocabulary::symbols).orElse(List.of());
        if (!now.equals(m.vocabulary())) {
            throw new IllegalArgumentException("the text's vocabulary (" + now.size() + " symbols) does not match the checkpoint's ("
                    + m.vocabulary().size() + " symbols); resume with the text the run started with");
        }
    }

    private Map<String, Object> fields(Trainer.Update u, double seconds, double rate) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("step", u.step());
        f.put("tokens", u.tokens());
        f.put("seconds", Math.round(seconds * 1000) / 1000.0);
        f.put("loss", u.loss());
        f.put("lr", u.lr());
        f.put("grad_norm", u.gradNorm());
        f.put("tokens_per_s", Math.round(rate));
        return f;
    }

    private boolean budgetSpent(long step, double seconds) {
        TrainConfig.Schedule s = config.schedule();
        return (s.steps() > 0 && step >= s.steps()) || (s.minutes() > 0 && seconds >= s.minutes() * 60);
    }

    private double fraction(long step, double seconds) {
        TrainConfig.Schedule s = config.schedule();
        double f = 0;
        if (s.steps() > 0) {
            f = Math.max(f, (double) step / s.steps());
        }
        if (s.minutes() > 0) {
            f = Math.max(f, seconds / (s.minutes() * 60));
        }
        return Math.min(1, f);
    }

    private static double elapsed(long startNanos, double before) {
        return before + (System.nanoTime() - startNanos) / 1e9;
    }

    static String metricKey(RunData data) {
        if (data.vocabulary().isPresent()) {
            return "bits_per_char";
        }
        return ((LongMemoryTask) data.train()).metric().replace(' ', '_');
    }

    static String metricName(RunData data) {
        return metricKey(data);
    }
}
