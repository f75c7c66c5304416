package dev.unfold.dnnl;

import dev.unfold.kernel.DirectBufferGemm;
import java.nio.FloatBuffer;

/**
 * A parameter stored (n × k) kept also as its transpose (k × n), transposed again when its values change: a one-row
 * product {@code x · Wᵀ} then runs as {@code x · (Wᵀ)} with the operand as stored. oneDNN's one-row product takes
 * about two thirds of the time in that form (1 × 100 · (100 × 100)ᵀ, one thread: 0.83 µs against 1.2;
 * docs/PERFORMANCE.md).
 */
final class TransposedCopy {
    /** What a copy is kept under in its operand's layouts: the operand's (rows, cols) as stored. */
    record Key(int rows, int cols) {
    }

    private final int rows;
    private final int cols;
    private final FloatBuffer transposed;
    private float[] scratch;
    private long version = -1;

    TransposedCopy(Key key) {
        rows = key.rows();
        cols = key.cols();
        transposed = DirectBufferGemm.aligned(rows * cols);
    }

    /** The operand's transpose (cols × rows) at its current values. */
    synchronized FloatBuffer current(DirectBufferGemm.ImmutableOperand operand) {
        if (version != operand.version()) {
            int size = rows * cols;
            if (scratch == null) {
                scratch = new float[2 * size];
            }
            operand.plain().duplicate().get(scratch, 0, size);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    scratch[size + c * rows + r] = scratch[r * cols + c];
                }
            }
            transposed.clear();
            transposed.put(scratch, size, size).rewind();
            version = operand.version();
        }
        return transposed.duplicate();
    }
}
