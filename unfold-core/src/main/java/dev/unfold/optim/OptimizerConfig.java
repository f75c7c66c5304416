package dev.unfold.optim;

/**
 * Which optimizer a run uses, with its settings: a value to save with a run and to build the
 * {@link Optimizer} from. {@code momentum} is read by SGD and Nesterov; {@code weightDecay} is L2 decay for
 * SGD and Nesterov and decoupled decay for AdamW.
 */
public record OptimizerConfig(Kind kind, double momentum, double weightDecay) {
    /** The optimizers Unfold has. */
    public enum Kind { SGD, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW }

    public OptimizerConfig {
        if (kind == null) {
            throw new IllegalArgumentException("an optimizer needs a kind");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (kind == Kind.NESTEROV && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum must be positive");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be finite and not negative, got " + weightDecay);
        }
    }

    public static OptimizerConfig adam() {
        return new OptimizerConfig(Kind.ADAM, 0, 0);
    }

    public static OptimizerConfig adamw(double weightDecay) {
        return new OptimizerConfig(Kind.ADAMW, 0, weightDecay);
    }

    public static OptimizerConfig sgd(double momentum, double weightDecay) {
        return new OptimizerConfig(Kind.SGD, momentum, weightDecay);
    }

    public static OptimizerConfig nesterov(double momentum, double weightDecay) {
        return new OptimizerConfig(Kind.NESTEROV, momentum, weightDecay);
    }

    public static OptimizerConfig adagrad() {
        return new OptimizerConfig(Kind.ADAGRAD, 0, 0);
    }

    public static OptimizerConfig rmsprop() {
        return new OptimizerConfig(Kind.RMSPROP, 0, 0);
    }

    /** A fresh optimizer of this kind. */
    public Optimizer create() {
        return switch (kind) {
            case SGD -> new Sgd(momentum, Sgd.Momentum.HEAVY_BALL, weightDecay);
            case NESTEROV -> new Sgd(momentum, Sgd.Momentum.NESTEROV, weightDecay);
            case ADAGRAD -> new Adagrad();
            case RMSPROP -> new RmsProp();
            case ADAM -> new Adam();
            case ADAMW -> new Adam(weightDecay);
        };
    }
}
