package dev.unfold.train;

/** Everything that defines a training run in a folder, as its checkpoint records it: the data, the model and the plan. */
public record RunConfig(DataSpec data, ModelSettings model, TrainingPlan plan) {
    public RunConfig {
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(model, "model");
        java.util.Objects.requireNonNull(plan, "plan");
    }

    /** The same run with another budget: what may change on resume. */
    public RunConfig withBudget(TrainingPlan.Budget budget) {
        return new RunConfig(data, model, plan.toBuilder().budget(budget).build());
    }
}
