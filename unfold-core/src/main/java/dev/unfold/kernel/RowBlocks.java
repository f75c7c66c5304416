package dev.unfold.kernel;

import java.nio.FloatBuffer;

/**
 * A matrix held as blocks of rows, each block in an array of its own, read as the blocks stacked in order: the
 * steps of a window ({@code [A_1; …; A_T]}) as one operand, without first copying them into one array. Each
 * block holds {@code blockLength} floats (its rows times the matrix's columns) from index 0.
 */
public record RowBlocks(float[][] blocks, int blockLength) {
    private static final ThreadLocal<float[][]> STACKED = ThreadLocal.withInitial(() -> new float[2][0]);

    public RowBlocks {
        for (float[] b : blocks) {
            if (b.length < blockLength) {
                throw new IllegalArgumentException("a block of " + b.length + " floats is shorter than " + blockLength);
            }
        }
    }

    /** The floats of the whole stack. */
    public int length() {
        return blocks.length * blockLength;
    }

    /** The stack copied into {@code into} from its position 0. */
    public FloatBuffer gather(FloatBuffer into) {
        for (int i = 0; i < blocks.length; i++) {
            into.put(i * blockLength, blocks[i], 0, blockLength);
        }
        return into;
    }

    /** The stack's values read back from {@code from} (position 0 on) into the blocks. */
    public void scatter(FloatBuffer from) {
        for (int i = 0; i < blocks.length; i++) {
            from.get(i * blockLength, blocks[i], 0, blockLength);
        }
    }

    /**
     * The stack in one array of this thread's, reused: valid until the thread's next call with the same {@code slot}
     * (0 or 1, one per operand of a product).
     */
    float[] stacked(int slot) {
        float[] out = scratch(slot, length());
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(blocks[i], 0, out, i * blockLength, blockLength);
        }
        return out;
    }

    /** An array of this thread's of at least the stack's length, reused as {@link #stacked} is. */
    float[] scratch(int slot) {
        return scratch(slot, length());
    }

    private static float[] scratch(int slot, int size) {
        float[][] held = STACKED.get();
        if (held[slot].length < size) {
            held[slot] = new float[size];
        }
        return held[slot];
    }

    /** The stack's values read back from {@code from} into the blocks. */
    void scatter(float[] from) {
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(from, i * blockLength, blocks[i], 0, blockLength);
        }
    }
}
