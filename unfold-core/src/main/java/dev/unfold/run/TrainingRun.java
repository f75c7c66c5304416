package dev.unfold.run;

import dev.unfold.data.Episode;
import dev.unfold.eval.Evaluation;
import dev.unfold.io.Vocabulary;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.Manifest;
import dev.unfold.store.MetricsLog;
import dev.unfold.tensor.DType;
import dev.unfold.train.RunConfig;
import dev.unfold.train.Trainer;
import dev.unfold.train.TrainingDivergedException;
import dev.unfold.train.TrainingPlan;
import dev.unfold.train.TrainingState;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A whole training run into a folder: updates until the budget (updates or minutes) is spent or a stop is
 * requested, with metrics appended to {@code metrics.jsonl}, validation at an interval, and checkpoints
 * at an interval, at the end and on a stop. A NaN or infinite loss ends the run without touching the last
 * good checkpoint.
 */
public final class TrainingRun {
    private final RunConfig config;
    private final Path dir;
    private final Listener listener;
    private final AtomicBoolean stop;
    private final WindowRunner runner;
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

    /** A listener that hears nothing. */
    public static Listener quiet() {
        return new Listener() {
            @Override
            public void started(String description, long fromStep) {
            }

            @Override
            public void progress(Progress p) {
            }
        };
    }

    /** One report of progress; {@code fraction} of the budget spent, 0 to 1. */
    public record Progress(long step, long tokens, double seconds, double loss, double tokensPerSecond,
            OptionalDouble validation, double fraction) {
    }

    /** How a run ended. */
    public record Result(long steps, long tokens, double seconds, double lastLoss, OptionalDouble validation, String metric, boolean stopped) {
    }

    public TrainingRun(RunConfig config, Path dir, Listener listener, AtomicBoolean stop, WindowRunner runner) {
        if (config.plan().budget().unlimited()) {
            throw new IllegalArgumentException("a run needs a budget: a number of updates or of minutes");
        }
        this.config = config;
        this.dir = dir;
        this.listener = listener;
        this.stop = stop;
        this.runner = runner;
    }

    /** Trains from scratch, or from the checkpoint in the folder when {@code resume}. */
    public Result run(boolean resume) throws IOException {
        Files.createDirectories(dir);
        RunData data = RunData.prepare(config, dtype);
        TrainingPlan plan = config.plan();
        Trainer trainer = new Trainer(data.model(), data.train(), plan, runner, dtype);
        double elapsedBefore = 0;
        if (resume) {
            Checkpointing.Checkpoint c = Checkpointing.load(dir);
            checkVocabulary(c, data);
            trainer.restore(new TrainingState(c.weights(), c.optimizer(), c.manifest().counters().step(), c.manifest().counters().tokens(),
                    c.manifest().counters().episodeIndex(), c.manifest().counters().episodeSeed(), c.manifest().counters().position(), c.carried()));
            elapsedBefore = c.manifest().counters().elapsedSeconds();
        } else {
            trainer.initialize(plan.init(), plan.seed());
        }
        Evaluation eval = new Evaluation(data.model(), data.validationBatch(), plan.sequenceLength(), runner, dtype);
        try (MetricsLog log = MetricsLog.open(dir, trainer.updates(), resume)) {
            return loop(trainer, data, eval, log, elapsedBefore);
        }
    }

    private Result loop(Trainer trainer, RunData data, Evaluation eval, MetricsLog log, double elapsedBefore) throws IOException {
        TrainingPlan.Intervals every = config.plan().intervals();
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
            if (u.step() % every.log() == 0) {
                log.write(fields(u, seconds, rate));
                listener.progress(new Progress(u.step(), u.tokens(), seconds, u.loss(), rate, validation, fraction(u.step(), seconds)));
            }
            if (every.validate() > 0 && u.step() % every.validate() == 0) {
                validation = validate(trainer, data, eval, log);
            }
            if (every.checkpoint() > 0 && u.step() % every.checkpoint() == 0) {
                checkpoint(trainer, data, elapsed(startNanos, elapsedBefore));
            }
        }
        boolean justValidated = every.validate() > 0 && trainer.updates() % every.validate() == 0;
        if (trainer.updates() > 0 && !(justValidated && validation.isPresent())) {
            validation = validate(trainer, data, eval, log);
        }
        checkpoint(trainer, data, elapsed(startNanos, elapsedBefore));
        return new Result(trainer.updates(), trainer.snapshot().tokens(), elapsed(startNanos, elapsedBefore), lastLoss,
                validation, data.metricKey(), stop.get());
    }

    private OptionalDouble validate(Trainer trainer, RunData data, Evaluation eval, MetricsLog log) {
        if (data.validation().isEmpty()) {
            return OptionalDouble.empty();
        }
        Evaluation.Total total = new Evaluation.Total(0, 0);
        for (Episode e : data.validation()) {
            total = total.plus(eval.run(trainer.weights(), e));
        }
        double value = data.vocabulary().isPresent() ? total.mean() / Math.log(2) : total.mean();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("step", trainer.updates());
        f.put("val_" + data.metricKey(), value);
        log.write(f);
        listener.validated(trainer.updates(), data.metricKey(), value);
        return OptionalDouble.of(value);
    }

    private void checkpoint(Trainer trainer, RunData data, double elapsed) throws IOException {
        TrainingState st = trainer.snapshot();
        Manifest m = new Manifest(data.model().spec(), data.vocabulary().map(Vocabulary::symbols), java.util.Optional.of(config),
                new Manifest.Counters(st.step(), st.tokens(), st.episodeIndex(), st.episodeSeed(), st.position(), st.optimizer().optimizer(),
                        st.optimizer().steps(), elapsed));
        Checkpointing.save(dir, m, st.weights(), st.optimizer(), st.carried());
        listener.checkpointed(st.step(), dir.resolve(Checkpointing.FILE));
    }

    private static void checkVocabulary(Checkpointing.Checkpoint c, RunData data) {
        java.util.List<String> now = data.vocabulary().map(Vocabulary::symbols).orElse(java.util.List.of());
        java.util.List<String> saved = c.vocabulary().map(Vocabulary::symbols).orElse(java.util.List.of());
        if (!now.equals(saved)) {
            throw new IllegalArgumentException("the text's vocabulary (" + now.size() + " symbols) does not match the checkpoint's ("
                    + saved.size() + " symbols); resume with the text the run started with");
        }
        if (!c.model().spec().equals(data.model().spec())) {
            throw new IllegalArgumentException("the checkpoint's model (" + c.model().spec() + ") is not the one its configuration describes");
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
        TrainingPlan.Budget b = config.plan().budget();
        return (b.updates() > 0 && step >= b.updates()) || (b.minutes() > 0 && seconds >= b.minutes() * 60);
    }

    private double fraction(long step, double seconds) {
        TrainingPlan.Budget b = config.plan().budget();
        double f = 0;
        if (b.updates() > 0) {
            f = Math.max(f, (double) step / b.updates());
        }
        if (b.minutes() > 0) {
            f = Math.max(f, seconds / (b.minutes() * 60));
        }
        return Math.min(1, f);
    }

    private static double elapsed(long startNanos, double before) {
        return before + (System.nanoTime() - startNanos) / 1e9;
    }
}
