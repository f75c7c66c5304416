package dev.unfold.tensor;

/** Element type of a tensor: float32 for models, float64 where gradient checks need it. */
public enum DType {
    F32(4),
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
