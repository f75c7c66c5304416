package dev.unfold.optim;

/** The learning rate at each update (0-based step number). */
public sealed interface LearningRateSchedule {
    double at(long step);

    /** The same rate throughout. */
    record Constant(double lr) implements LearningRateSchedule {
        @Override
        public double at(long step) {
            return lr;
        }
    }

    /** {@code lr · γ^⌊step / every⌋}, PyTorch's {@code StepLR}. */
    record StepDecay(double lr, long every, double gamma) implements LearningRateSchedule {
        public StepDecay {
            if (every <= 0) {
                throw new IllegalArgumentException("step decay interval must be positive, got " + every);
            }
        }

        @Override
        public double at(long step) {
            return lr * Math.pow(gamma, step / every);
        }
    }

    /**
     * Linear warm-up from 0 to {@code lr} over {@code warmup} steps, then a half cosine from {@code lr}
     * down to {@code minLr} at step {@code total}, constant after.
     */
    record CosineWithWarmup(double lr, long warmup, long total, double minLr) implements LearningRateSchedule {
        public CosineWithWarmup {
            if (warmup < 0 || total <= warmup) {
                throw new IllegalArgumentException("cosine schedule needs 0 <= warmup < total, got " + warmup + " and " + total);
            }
        }

        @Override
        public double at(long step) {
            if (step < warmup) {
                return lr * (step + 1) / warmup;
            }
            double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
            return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
        }
    }
}
