package dev.unfold.kernel;

/**
 * An immutable operand stored (n × k) kept also as its transpose (k × n) on the heap, the rows a
 * {@link OneRowProduct} reads for {@code x · Wᵀ}; transposed again when the operand's values change.
 */
final class TransposedRows {
    /** What a copy is kept under in its operand's layouts: the operand's (rows, cols) as stored. */
    record Key(int rows, int cols) {
    }

    private final float[] transposed;
    private long version = -1;

    TransposedRows(Key key) {
        transposed = new float[key.rows() * key.cols()];
    }

    /** {@code source}'s transpose, {@code source} being the array {@code operand} now holds (rows × cols). */
    synchronized float[] current(DirectBufferGemm.ImmutableOperand operand, float[] source, int rows, int cols) {
        if (version != operand.version()) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    transposed[c * rows + r] = source[r * cols + c];
                }
            }
            version = operand.version();
        }
        return transposed;
    }
}
