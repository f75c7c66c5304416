package dev.unfold.train;

/** The loss or the gradient became NaN or infinite; the parameters were not updated with it. */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;

    public TrainingDivergedException(long step, String what) {
        super(what + " at update " + step);
        this.step = step;
    }

    public long step() {
        return step;
    }
}
