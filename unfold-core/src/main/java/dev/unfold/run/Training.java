package dev.unfold.run;

import dev.unfold.data.Episode;
import dev.unfold.data.SequenceSource;
import dev.unfold.data.TextData;
import dev.unfold.eval.Evaluation;
import dev.unfold.exec.CompiledExecutor;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.train.Trainer;
import dev.unfold.train.TrainingPlan;
import dev.unfold.window.WindowRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Training in memory, for the library: a model, its data and a plan; {@link #run} updates until the plan's
 * budget is spent and gives the trained model. Validation episodes, when given, are scored at the plan's
 * validation interval and at the end; the model of the best score is the one the result keeps, and the
 * plan's patience stops training early. Windows run with one shard of the batch per core.
 */
public final class Training {
    private final SequenceModel model;
    private final SequenceSource source;
    private final TrainingPlan plan;
    private final List<Episode> validation = new ArrayList<>();
    private int validationBatch;
    private Optional<Vocabulary> vocabulary = Optional.empty();
    private Consumer<Trainer.Update> onUpdate = u -> { };
    private Consumer<Double> onValidation = v -> { };

    private Training(SequenceModel model, SequenceSource source, TrainingPlan plan) {
        this.model = Objects.requireNonNull(model);
        this.source = Objects.requireNonNull(source);
        this.plan = Objects.requireNonNull(plan);
        if (plan.budget().unlimited()) {
            throw new IllegalArgumentException("training needs a budget in its plan: a number of updates or of minutes");
        }
        if (source.batch() != plan.batch()) {
            throw new IllegalArgumentException("the data comes in batches of " + source.batch() + ", the plan trains on " + plan.batch());
        }
    }

    /** Training of {@code model} on {@code source}. */
    public static Training of(SequenceModel model, SequenceSource source, TrainingPlan plan) {
        return new Training(model, source, plan);
    }

    /** Training of a character model on a text's streams, validated on its held-out part; the result carries the vocabulary. */
    public static Training of(SequenceModel model, TextData text, TrainingPlan plan) {
        Training t = new Training(model, text.train(), plan);
        t.vocabulary = Optional.of(text.vocabulary());
        text.validation().ifPresent(e -> t.validateOn(List.of(e), text.validationStreams()));
        return t;
    }

    /** Scores {@code episodes} (batches of {@code batch}) at the plan's validation interval and at the end. */
    public Training validateOn(List<Episode> episodes, int batch) {
        validation.clear();
        validation.addAll(episodes);
        validationBatch = batch;
        return this;
    }

    /** Called after every update. */
    public Training onUpdate(Consumer<Trainer.Update> listener) {
        this.onUpdate = Objects.requireNonNull(listener);
        return this;
    }

    /** Called with each validation's mean loss per step (bits per character for a text). */
    public Training onValidation(Consumer<Double> listener) {
        this.onValidation = Objects.requireNonNull(listener);
        return this;
    }

    /**
     * What training gave: the model to keep (the weights of the best validation, or the last when nothing was
     * validated), the last weights, the last update and validation, the best validation and its update, and
     * whether the plan's patience ran out before its budget.
     */
    public record Result(TrainedModel model, TrainedModel lastModel, Trainer.Update last, OptionalDouble validation, OptionalDouble best,
            OptionalLong bestStep, boolean stoppedEarly) {
    }

    /** Trains until the budget is spent, or until {@code patience} validations in a row bring no better score. */
    public Result run() {
        DType dtype = DType.F32;
        try (WindowRunner runner = WindowRunner.perCore(new CompiledExecutor())) {
            Trainer trainer = new Trainer(model, source, plan, runner, dtype);
            trainer.initialize(plan.init(), plan.seed());
            Evaluation eval = validation.isEmpty() ? null : new Evaluation(model, validationBatch, plan.sequenceLength(), runner, dtype);
            long start = System.nanoTime();
            Trainer.Update last = null;
            Kept kept = new Kept();
            while (!spent(trainer.updates(), (System.nanoTime() - start) / 60e9) && !kept.outOfPatience(plan.patience())) {
                last = trainer.step();
                onUpdate.accept(last);
                if (eval != null && plan.intervals().validate() > 0 && last.step() % plan.intervals().validate() == 0) {
                    kept.scored(validate(eval, trainer), trainer);
                }
            }
            boolean validatedLast = last != null && plan.intervals().validate() > 0 && last.step() % plan.intervals().validate() == 0;
            if (eval != null && !validatedLast && !kept.outOfPatience(plan.patience())) {
                kept.scored(validate(eval, trainer), trainer);
            }
            TrainedModel lastModel = new TrainedModel(model, trainer.weights(), vocabulary, Optional.empty(), trainer.updates());
            TrainedModel keep = kept.weights == null ? lastModel : new TrainedModel(model, kept.weights, vocabulary, Optional.empty(), kept.step);
            return new Result(keep, lastModel, last, kept.last, kept.weights == null ? OptionalDouble.empty() : OptionalDouble.of(kept.best),
                    kept.weights == null ? OptionalLong.empty() : OptionalLong.of(kept.step), kept.outOfPatience(plan.patience()));
        }
    }

    /** The best validation so far, its weights and update, the validations since, and the last score. */
    private static final class Kept {
        Weights weights;
        double best = Double.POSITIVE_INFINITY;
        long step;
        int since;
        OptionalDouble last = OptionalDouble.empty();

        void scored(double value, Trainer trainer) {
            last = OptionalDouble.of(value);
            if (value < best) {
                best = value;
                weights = trainer.weights();
                step = trainer.updates();
                since = 0;
            } else {
                since++;
            }
        }

        boolean outOfPatience(int patience) {
            return patience > 0 && weights != null && since >= patience;
        }
    }

    private double validate(Evaluation eval, Trainer trainer) {
        Evaluation.Total total = new Evaluation.Total(0, 0);
        for (Episode e : validation) {
            total = total.plus(eval.run(trainer.weights(), e));
        }
        double v = vocabulary.isPresent() ? total.mean() / Math.log(2) : total.mean();
        onValidation.accept(v);
        return v;
    }

    private boolean spent(long updates, double minutes) {
        TrainingPlan.Budget b = plan.budget();
        return (b.updates() > 0 && updates >= b.updates()) || (b.minutes() > 0 && minutes >= b.minutes());
    }
}
