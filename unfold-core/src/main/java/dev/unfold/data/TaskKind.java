package dev.unfold.data;

/** The generated long-memory tasks. */
public enum TaskKind {
    ADDING(2), COPY(1), PARITY(1);

    private final int minimumLength;

    TaskKind(int minimumLength) {
        this.minimumLength = minimumLength;
    }

    /** The shortest length parameter the task takes. */
    public int minimumLength() {
        return minimumLength;
    }

    /** The task at length parameter {@code length} (the delay for the copy task), for batches of {@code batch}. */
    public LongMemoryTask create(int length, int batch) {
        return switch (this) {
            case ADDING -> new AddingProblem(length, batch);
            case COPY -> new CopyTask(length, batch);
            case PARITY -> new ParityTask(length, batch);
        };
    }
}
