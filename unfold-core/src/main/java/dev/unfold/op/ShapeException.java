package dev.unfold.op;

/** Thrown when inputs do not fit an op's shape rule. The message names the op and the shapes. */
public final class ShapeException extends IllegalArgumentException {
    public ShapeException(String message) {
        super(message);
    }
}
