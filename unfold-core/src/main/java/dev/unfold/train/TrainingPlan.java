package dev.unfold.train;

import dev.unfold.nn.InitScheme;
import dev.unfold.optim.Clipping;
import dev.unfold.optim.LearningRateSchedule;
import dev.unfold.optim.OptimizerConfig;
import dev.unfold.window.BpttMemory;
import java.util.Optional;

/**
 * How a model is trained: batch and sequence length, the truncated-BPTT windows, optimizer, learning-rate
 * schedule and clipping, the budget, how often to log, validate and checkpoint, and how the weights start.
 * Immutable; made with {@link #builder()}, whose defaults are those of {@code unfold train}.
 */
public final class TrainingPlan {
    private final int batch;
    private final int sequenceLength;
    private final TruncatedBptt windows;
    private final OptimizerConfig optimizer;
    private final LearningRateSchedule schedule;
    private final Clipping clipping;
    private final Budget budget;
    private final Intervals intervals;
    private final InitScheme init;
    private final long seed;
    private final int patience;
    private final Optional<MemoryBudget> memory;

    /** When a run stops: after {@code updates} updates or {@code minutes} minutes of training, whichever comes first (0: no limit of that kind). */
    public record Budget(long updates, double minutes) {
        public Budget {
            if (updates < 0 || !(minutes >= 0) || Double.isInfinite(minutes)) {
                throw new IllegalArgumentException("a budget needs updates and minutes that are finite and not negative, got " + updates + " and " + minutes);
            }
        }

        public static Budget updates(long n) {
            return new Budget(n, 0);
        }

        public static Budget minutes(double m) {
            return new Budget(0, m);
        }

        public boolean unlimited() {
            return updates == 0 && minutes == 0;
        }
    }

    /** Updates between metrics lines, between validations (0: at the end only) and between checkpoints (0: at the end only). */
    public record Intervals(int log, int validate, int checkpoint) {
        public Intervals {
            if (log < 1 || validate < 0 || checkpoint < 0) {
                throw new IllegalArgumentException("intervals need log >= 1, validate >= 0 and checkpoint >= 0, got " + log + ", " + validate + ", " + checkpoint);
            }
        }
    }

    private TrainingPlan(Builder b) {
        this.batch = b.batch;
        this.sequenceLength = b.sequenceLength;
        this.windows = b.windows != null ? b.windows : new TruncatedBptt(b.sequenceLength, b.sequenceLength);
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.clipping = b.clipping;
        this.budget = b.budget;
        this.intervals = b.intervals;
        this.init = b.init;
        this.seed = b.seed;
        this.patience = b.patience;
        this.memory = b.memory;
    }

    /** A memory budget for BPTT: the bytes a training window may hold in activations and stored states, and how to spend them. */
    public record MemoryBudget(long bytes, BpttMemory.Policy policy) {
        public MemoryBudget {
            if (bytes <= 0) {
                throw new IllegalArgumentException("a memory budget must be positive, got " + bytes + " bytes");
            }
            java.util.Objects.requireNonNull(policy, "policy");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this plan's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.batch = batch;
        b.sequenceLength = sequenceLength;
        b.windows = windows;
        b.optimizer = optimizer;
        b.schedule = schedule;
        b.clipping = clipping;
        b.budget = budget;
        b.intervals = intervals;
        b.init = init;
        b.seed = seed;
        b.patience = patience;
        b.memory = memory;
        return b;
    }

    /** Sequences per batch. */
    public int batch() {
        return batch;
    }

    /** Steps a text is read in at a time: the default windows, and the windows of validation. */
    public int sequenceLength() {
        return sequenceLength;
    }

    public TruncatedBptt windows() {
        return windows;
    }

    public OptimizerConfig optimizer() {
        return optimizer;
    }

    public LearningRateSchedule schedule() {
        return schedule;
    }

    public Clipping clipping() {
        return clipping;
    }

    public Budget budget() {
        return budget;
    }

    public Intervals intervals() {
        return intervals;
    }

    public InitScheme init() {
        return init;
    }

    /** Seed of the initial weights, of generated data and of the dropout masks. */
    public long seed() {
        return seed;
    }

    /** Validations without improvement after which a run stops early; 0 never stops early. */
    public int patience() {
        return patience;
    }

    /** The memory budget of BPTT, if it has one (full BPTT otherwise). */
    public Optional<MemoryBudget> memory() {
        return memory;
    }

    /** Sets a plan's values; every setter checks its value. */
    public static final class Builder {
        private int batch = 32;
        private int sequenceLength = 64;
        private TruncatedBptt windows;
        private OptimizerConfig optimizer = OptimizerConfig.adam();
        private LearningRateSchedule schedule = new LearningRateSchedule.Constant(2e-3);
        private Clipping clipping = Clipping.none();
        private Budget budget = new Budget(0, 0);
        private Intervals intervals = new Intervals(10, 500, 500);
        private InitScheme init = InitScheme.PYTORCH;
        private long seed = 1;
        private int patience;
        private Optional<MemoryBudget> memory = Optional.empty();

        private Builder() {
        }

        public Builder batch(int sequences) {
            if (sequences < 1) {
                throw new IllegalArgumentException("a batch needs at least one sequence, got " + sequences);
            }
            this.batch = sequences;
            return this;
        }

        /** Also the windows, unless {@link #windows} sets them. */
        public Builder sequenceLength(int steps) {
            if (steps < 1) {
                throw new IllegalArgumentException("a sequence length must be positive, got " + steps);
            }
            this.sequenceLength = steps;
            return this;
        }

        /** Truncated BPTT(k1, k2); by default BPTT(L, L) for the sequence length L. */
        public Builder windows(TruncatedBptt bptt) {
            this.windows = bptt;
            return this;
        }

        public Builder optimizer(OptimizerConfig config) {
            this.optimizer = java.util.Objects.requireNonNull(config);
            return this;
        }

        /** A constant learning rate. */
        public Builder learningRate(double lr) {
            return schedule(new LearningRateSchedule.Constant(lr));
        }

        public Builder schedule(LearningRateSchedule s) {
            this.schedule = java.util.Objects.requireNonNull(s);
            return this;
        }

        public Builder clipping(Clipping c) {
            this.clipping = java.util.Objects.requireNonNull(c);
            return this;
        }

        public Builder budget(Budget b) {
            this.budget = java.util.Objects.requireNonNull(b);
            return this;
        }

        /** Stop after {@code n} updates. */
        public Builder updates(long n) {
            return budget(Budget.updates(n));
        }

        public Builder intervals(Intervals i) {
            this.intervals = java.util.Objects.requireNonNull(i);
            return this;
        }

        public Builder init(InitScheme scheme) {
            this.init = java.util.Objects.requireNonNull(scheme);
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** Stop after {@code validations} validations in a row without improvement (0: never). */
        public Builder patience(int validations) {
            if (validations < 0) {
                throw new IllegalArgumentException("patience must be 0 (off) or positive, got " + validations);
            }
            this.patience = validations;
            return this;
        }

        /** Memory-bounded BPTT within {@code budget} (empty: full BPTT). */
        public Builder memory(Optional<MemoryBudget> budget) {
            this.memory = java.util.Objects.requireNonNull(budget);
            return this;
        }

        public TrainingPlan build() {
            return new TrainingPlan(this);
        }
    }
}
