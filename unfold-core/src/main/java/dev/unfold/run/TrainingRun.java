package dev.unfold.run;

import dev.unfold.data.EncodedSequences;
import dev.unfold.data.Episode;
import dev.unfold.data.LongMemoryTask;
import dev.unfold.eval.DatasetEvaluation;
import dev.unfold.eval.Evaluation;
import dev.unfold.eval.TaskEvaluation;
import dev.unfold.io.AtomicFiles;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.optim.OptimizerState;
import dev.unfold.store.Checkpointing;
import dev.unfold.store.Manifest;
import dev.unfold.store.MetricsLog;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.train.DataSpec;
import dev.unfold.train.RunConfig;
import dev.unfold.train.Trainer;
import dev.unfold.train.TrainingDivergedException;
import dev.unfold.train.TrainingPlan;
import dev.unfold.train.TrainingState;
import dev.unfold.window.BpttMemory;
import dev.unfold.window.MemoryEstimate;
import dev.unfold.window.WindowRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
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
    private OptionalLong lastCheckpoint = OptionalLong.empty();
    private Optional<Manifest.Best> best = Optional.empty();
    private Optional<String> stoppedEarly = Optional.empty();
    /** The evaluation of a data run's validation sequences, built at its first validation and kept with its window graphs. */
    private DatasetEvaluation dataEvaluation;
    /** What a memory budget makes of the run's windows, said when it starts. */
    private String memoryNote = "";

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

    /**
     * How a run ended: updates, tokens, time, the last loss and validation, the best validation and its update
     * (the model the folder keeps as best), whether a stop was asked for, why it stopped early, if it did, and for a
     * data file's run the sequences it validated on.
     */
    public record Result(long steps, long tokens, double seconds, double lastLoss, OptionalDouble validation, String metric, boolean stopped,
            Optional<Manifest.Best> best, Optional<String> stoppedEarly, Optional<EncodedSequences> validationSequences) {
    }

    /** How a run begins in its folder. */
    public enum Start {
        /** From scratch, in a folder that holds no run. */
        FRESH,
        /** From scratch, replacing the run the folder holds (its checkpoint and metrics go when training starts). */
        REPLACE,
        /** From the folder's checkpoint, bit-identically where it stopped. */
        RESUME
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
        return run(resume ? Start.RESUME : Start.FRESH);
    }

    /**
     * Trains as {@code start} says. Everything is checked before anything in the folder changes: the data, the
     * memory the run needs, and on resume the checkpoint against the configuration and the text.
     */
    public Result run(Start start) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException(dir + " is a file, not a folder for a run");
        }
        if (start == Start.FRESH && holdsRun(dir)) {
            throw new IllegalArgumentException(dir + " holds a run already; resume it, or replace it");
        }
        TrainingPlan plan = config.plan();
        if (config.data() instanceof DataSpec.Task t) {
            requireTaskFits(t, plan);
        }
        RunData data = RunData.prepare(config, dtype);
        int window = data.data().map(RunData.DataRun::longest).orElse(Math.max(plan.windows().k1(), plan.windows().k2()));
        estimate(data.model().spec(), data.train().batch(), window, plan).requireFits("this training run");
        RunConfig effective = withHash(data);
        Trainer trainer = new Trainer(data.model(), data.train(), plan, runner, dtype);
        memoryNote = plan.memory().map(m -> "; memory budget " + BpttMemory.size(m.bytes()) + ": " + trainer.memoryPlan(window)).orElse("");
        double elapsedBefore = 0;
        Manifest.Counters resumedAt = null;
        if (start == Start.RESUME) {
            Checkpointing.Checkpoint c = Checkpointing.load(dir);
            checkAgainst(c, data);
            restore(trainer, c);
            elapsedBefore = c.manifest().counters().elapsedSeconds();
            lastCheckpoint = OptionalLong.of(c.manifest().counters().step());
            best = c.manifest().best();
            resumedAt = c.manifest().counters();
        } else {
            trainer.initialize(plan.init(), plan.seed());
        }
        Files.createDirectories(dir);
        try (FolderLock lock = FolderLock.take(dir)) {
            if (start == Start.REPLACE) {
                Files.deleteIfExists(dir.resolve(Checkpointing.FILE));
                Files.deleteIfExists(dir.resolve(Checkpointing.BEST_FILE));
                Files.deleteIfExists(dir.resolve(MetricsLog.FILE));
            }
            if (start == Start.RESUME) {
                reconcileBest(resumedAt);
            }
            try (MetricsLog log = MetricsLog.open(dir, trainer.updates(), start == Start.RESUME)) {
                Evaluation eval = new Evaluation(data.model(), data.validationBatch(), plan.sequenceLength(), runner, dtype);
                return loop(trainer, data, eval, log, elapsedBefore, effective);
            }
        }
    }

    /** A task's episodes are generated before training: they are counted with the run, before they are made. */
    private void requireTaskFits(DataSpec.Task t, TrainingPlan plan) {
        LongMemoryTask task = t.kind().create(t.length(), plan.batch());
        long episodes = 1 + (TaskEvaluation.TEST_SEQUENCES + plan.batch() - 1) / plan.batch();
        long data = 8L * task.length() * plan.batch() * 3 * episodes;
        estimate(config.model().model(task.input(0), task.output()).spec(), plan.batch(), Math.max(plan.windows().k1(), plan.windows().k2()), plan)
                .plusData(data).requireFits("this training run");
    }

    /** What training windows of {@code window} steps hold: full BPTT's, or within the plan's memory budget what its plan holds. */
    private MemoryEstimate estimate(SequenceModelSpec spec, int batch, int window, TrainingPlan plan) {
        MemoryEstimate full = MemoryEstimate.training(spec, batch, window, runner.shards());
        if (plan.memory().isEmpty()) {
            return full;
        }
        BpttMemory.Plan p = BpttMemory.plan(spec, batch, runner.shards(), window, plan.memory().get().bytes(), plan.memory().get().policy());
        return p.full() ? full : full.bounded(spec, batch, runner.shards(), p);
    }

    /** Whether {@code dir} holds a run: a checkpoint or metrics. */
    public static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(Checkpointing.FILE)) || Files.exists(dir.resolve(MetricsLog.FILE));
    }

    private RunConfig withHash(RunData data) {
        if (config.data() instanceof DataSpec.Text t && data.sha256().isPresent()) {
            return new RunConfig(t.hashed(data.sha256().get()), config.model(), config.plan());
        }
        if (config.data() instanceof DataSpec.Data d && data.sha256().isPresent()) {
            return new RunConfig(d.hashed(data.sha256().get()), config.model(), config.plan());
        }
        return config;
    }

    /** The checkpoint's state given to the trainer; what does not fit the run is damage in the checkpoint. */
    private void restore(Trainer trainer, Checkpointing.Checkpoint c) throws IOException {
        Manifest.Counters n = c.manifest().counters();
        try {
            trainer.restore(new TrainingState(c.weights(), c.optimizer(), n.step(), n.tokens(), n.episodeIndex(), n.episodeSeed(), n.position(),
                    c.carried()));
        } catch (IllegalArgumentException e) {
            throw new IOException(dir.resolve(Checkpointing.FILE) + ": checkpoint damaged: " + e.getMessage());
        }
    }

    private Result loop(Trainer trainer, RunData data, Evaluation eval, MetricsLog log, double elapsedBefore, RunConfig effective)
            throws IOException {
        try {
            return iterate(trainer, data, eval, log, elapsedBefore, effective);
        } catch (TrainingDivergedException e) {
            log.write(Map.of("step", e.step(), "event", "diverged", "message", e.getMessage()));
            throw e.noting("; stopped, and " + (lastCheckpoint.isPresent() ? "the last good checkpoint, of update " + lastCheckpoint.getAsLong() + ", in "
                    + dir + " is kept" : "no checkpoint was written"));
        }
    }

    private Result iterate(Trainer trainer, RunData data, Evaluation eval, MetricsLog log, double elapsedBefore, RunConfig effective)
            throws IOException {
        TrainingPlan.Intervals every = config.plan().intervals();
        listener.started(data.name() + memoryNote, trainer.updates());
        long startNanos = System.nanoTime();
        long startTokens = trainer.snapshot().tokens();
        OptionalDouble validation = OptionalDouble.empty();
        double lastLoss = Double.NaN;
        while (!budgetSpent(trainer.updates(), elapsed(startNanos, elapsedBefore)) && !stop.get() && stoppedEarly.isEmpty()) {
            Trainer.Update u = trainer.step();
            lastLoss = u.loss();
            double seconds = elapsed(startNanos, elapsedBefore);
            double rate = (u.tokens() - startTokens) / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
            if (u.step() % every.log() == 0) {
                log.write(fields(u, seconds, rate));
                listener.progress(new Progress(u.step(), u.tokens(), seconds, u.loss(), rate, validation, fraction(u.step(), seconds)));
            }
            if (every.validate() > 0 && u.step() % every.validate() == 0) {
                validation = validate(trainer, data, eval, log, elapsed(startNanos, elapsedBefore), effective);
            }
            if (every.checkpoint() > 0 && u.step() % every.checkpoint() == 0 && !checkpointedAt(u.step())) {
                checkpoint(trainer, data, elapsed(startNanos, elapsedBefore), effective);
            }
        }
        boolean justValidated = every.validate() > 0 && trainer.updates() % every.validate() == 0;
        if (trainer.updates() > 0 && stoppedEarly.isEmpty() && !(justValidated && validation.isPresent())) {
            validation = validate(trainer, data, eval, log, elapsed(startNanos, elapsedBefore), effective);
        }
        if (!checkpointedAt(trainer.updates())) {
            checkpoint(trainer, data, elapsed(startNanos, elapsedBefore), effective);
        }
        return new Result(trainer.updates(), trainer.snapshot().tokens(), elapsed(startNanos, elapsedBefore), lastLoss,
                validation, data.metricKey(), stop.get(), best, stoppedEarly, data.data().map(RunData.DataRun::validation));
    }

    /**
     * Scores the validation data. A new best (lower than every earlier score) is written to the folder's best
     * checkpoint and marked in the metrics; with patience, as many validations in a row without one stop the run.
     */
    private OptionalDouble validate(Trainer trainer, RunData data, Evaluation eval, MetricsLog log, double elapsed, RunConfig effective)
            throws IOException {
        Map<String, Object> f = new LinkedHashMap<>();
        double value;
        long step = trainer.updates();
        f.put("step", step);
        if (data.data().isPresent()) {
            RunData.DataRun run = data.data().get();
            if (dataEvaluation == null) {
                dataEvaluation = new DatasetEvaluation(data.model(), runner, dtype, data.train().batch());
            }
            DatasetEvaluation.Scores scores = dataEvaluation.run(trainer.weights(), run.validation()).scores().orElseThrow();
            value = scores.loss();
            f.put("val_" + data.metricKey(), value);
            scores.metrics().forEach((k, v) -> {
                if (Double.isFinite(v)) {
                    f.putIfAbsent("val_" + k, v);
                }
            });
        } else {
            if (data.validation().isEmpty()) {
                return OptionalDouble.empty();
            }
            Evaluation.Total total = new Evaluation.Total(0, 0);
            for (Episode e : data.validation()) {
                total = total.plus(eval.run(trainer.weights(), e));
            }
            value = data.vocabulary().isPresent() ? total.mean() / Math.log(2) : total.mean();
            f.put("val_" + data.metricKey(), value);
        }
        boolean improved = Double.isFinite(value) && (best.isEmpty() || value < best.get().value());
        best = improved ? Optional.of(new Manifest.Best(step, value, 0))
                : best.map(b -> new Manifest.Best(b.step(), b.value(), b.since() + 1));
        if (improved) {
            f.put("best", 1);
        }
        log.write(f);
        if (improved) {
            keepAsBest(trainer, data, elapsed, effective);
        }
        listener.validated(step, data.metricKey(), value);
        int patience = config.plan().patience();
        if (patience > 0 && best.isPresent() && best.get().since() >= patience) {
            stoppedEarly = Optional.of(String.format(Locale.ROOT,
                    "no better validation in %d validations since update %d (%s %.4f)", patience, best.get().step(), data.metricKey(), best.get().value()));
            log.write(Map.of("step", step, "event", "stopped early", "message", stoppedEarly.get()));
        }
        return OptionalDouble.of(value);
    }

    /**
     * The best model is the last checkpoint at the update it was scored: the checkpoint is written (naming
     * itself best), then copied to the best file. Killed between the two, the folder's checkpoint says which
     * update is best and a resume copies it again.
     */
    private void keepAsBest(Trainer trainer, RunData data, double elapsed, RunConfig effective) throws IOException {
        checkpoint(trainer, data, elapsed, effective);
        copyCheckpointToBest();
    }

    private void copyCheckpointToBest() throws IOException {
        Path last = dir.resolve(Checkpointing.FILE);
        AtomicFiles.write(dir.resolve(Checkpointing.BEST_FILE), out -> Files.copy(last, out));
    }

    /**
     * On resume, the best file must hold the update the checkpoint names as best. When that update is the
     * checkpoint's own (a run killed between the two writes) the checkpoint is copied again; a best file
     * removed by hand ends the record (the next validation starts a new one); any other best file is not
     * this run's, and is refused rather than replaced.
     */
    private void reconcileBest(Manifest.Counters counters) throws IOException {
        Path file = dir.resolve(Checkpointing.BEST_FILE);
        boolean present = Files.exists(file);
        if (best.isEmpty()) {
            if (present) {
                throw new IOException(file + " is not this run's: its checkpoint records no best validation; move it away to resume");
            }
            return;
        }
        long step = best.get().step();
        if (step == counters.step()) {
            if (!present || heldStepOrNone() != step) {
                copyCheckpointToBest();
            }
            return;
        }
        if (!present) {
            best = Optional.empty();
            return;
        }
        long held = heldStep();
        if (held != step) {
            throw new IOException(file + " holds update " + held + ", but the run's best is update " + step + "; move it away to resume");
        }
    }

    /** The update the best file holds; damage is an error naming it. */
    private long heldStep() throws IOException {
        return Checkpointing.load(dir, Checkpointing.Choice.BEST, true).manifest().counters().step();
    }

    /** As {@link #heldStep()}, with -1 for a damaged file: the checkpoint is about to replace it. */
    private long heldStepOrNone() {
        try {
            return heldStep();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Writes the last checkpoint, unless a parameter or an optimizer slot is no longer finite: then the run has diverged. */
    private void checkpoint(Trainer trainer, RunData data, double elapsed, RunConfig effective) throws IOException {
        long step = save(dir.resolve(Checkpointing.FILE), trainer, data, elapsed, effective);
        lastCheckpoint = OptionalLong.of(step);
        listener.checkpointed(step, dir.resolve(Checkpointing.FILE));
    }

    private boolean checkpointedAt(long step) {
        return lastCheckpoint.isPresent() && lastCheckpoint.getAsLong() == step;
    }

    /** Writes the trainer's state to {@code file}, checked to be finite, with the best validation so far; returns its update. */
    private long save(Path file, Trainer trainer, RunData data, double elapsed, RunConfig effective) throws IOException {
        TrainingState st = trainer.snapshot();
        String bad = nonFinite(st);
        if (bad != null) {
            throw TrainingDivergedException.at(st.step(), bad + " became non-finite");
        }
        Manifest m = new Manifest(data.model().spec(), data.vocabulary().map(Vocabulary::symbols), Optional.of(effective),
                new Manifest.Counters(st.step(), st.tokens(), st.episodeIndex(), st.episodeSeed(), st.position(), st.optimizer().optimizer(),
                        st.optimizer().steps(), elapsed), best, data.data().map(RunData.DataRun::tables));
        Checkpointing.saveFile(file, m, st.weights(), st.optimizer(), st.carried());
        return st.step();
    }

    /** What in the state is not finite, or null. */
    private static String nonFinite(TrainingState st) {
        for (Map.Entry<Parameter, Tensor> e : st.weights().values().entrySet()) {
            if (!finite(e.getValue())) {
                return "parameter " + e.getKey().name();
            }
        }
        for (Map.Entry<OptimizerState.Slot, Tensor> e : st.optimizer().slots().entrySet()) {
            if (!finite(e.getValue())) {
                return "the optimizer's " + e.getKey().name() + " of " + e.getKey().parameter().name();
            }
        }
        return null;
    }

    private static boolean finite(Tensor t) {
        for (int i = 0; i < t.size(); i++) {
            if (!Double.isFinite(t.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void checkAgainst(Checkpointing.Checkpoint c, RunData data) {
        if (c.manifest().run().isPresent() && c.manifest().run().get().data() instanceof DataSpec.Data saved && saved.sha256().isPresent()
                && data.sha256().isPresent() && !saved.sha256().equals(data.sha256())) {
            throw new IllegalArgumentException("the data file " + saved.file() + " changed since the run started; resume with the file the run started with");
        }
        if (data.data().isPresent() && !c.manifest().tables().equals(data.data().map(RunData.DataRun::tables))) {
            throw new IllegalArgumentException("the checkpoint's data tables are not those of " + data.name() + "; resume with the data the run started with");
        }
        if (c.manifest().run().isPresent() && c.manifest().run().get().data() instanceof DataSpec.Text saved && saved.sha256().isPresent()
                && data.sha256().isPresent() && !saved.sha256().equals(data.sha256())) {
            throw new IllegalArgumentException("the text " + saved.file().map(Path::toString).orElse("") + " changed since the run started (its SHA-256 was "
                    + saved.sha256().get().substring(0, 16) + "..., is now " + data.sha256().get().substring(0, 16) + "...); resume with the text the run started with");
        }
        checkVocabulary(c, data);
    }

    private static void checkVocabulary(Checkpointing.Checkpoint c, RunData data) {
        List<String> now = data.vocabulary().map(Vocabulary::symbols).orElse(List.of());
        List<String> saved = c.vocabulary().map(Vocabulary::symbols).orElse(List.of());
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
