package dev.unfold.train;

/** The loss or the gradient became NaN or infinite; the parameters were not updated with it. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    private TrainingDivergedException(long step, String message) {
        super(message);
        this.step = step;
    }

    /** {@code what} happened at update {@code step}. */
    public static TrainingDivergedException at(long step, String what) {
        return new TrainingDivergedException(step, what + " at update " + step);
    }

    /** The same failure with {@code note} added to its message. */
    public TrainingDivergedException noting(String note) {
        return new TrainingDivergedException(step, getMessage() + note);
    }

    public long step() {
        return step;
    }
}
