package dev.unfold.kernel;

/**
 * Single-precision element-wise and layout loops over whole arrays, in EJML's form: inputs first (not
 * modified), the output last (overwritten). The compiled executor calls these with buffers it planned.
 */
public final class FloatOps {
    /** Each thread's scratch row of {@link #sumRows}. */
    private static final ThreadLocal<float[]> ROW = ThreadLocal.withInitial(() -> new float[0]);

    private FloatOps() {
    }

    /** How a binary op's second operand lines up with the first (or the output). */
    public enum Pattern { SAME, ROW, COLUMN, SCALAR, GENERAL }

    public static void add(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    public static void mul(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    /** {@code out[r][c] = a[r][c] + row[c]} over {@code rows} rows of {@code cols}. */
    public static void addRow(float[] a, float[] row, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                out[base + c] = a[base + c] + row[c];
            }
        }
    }

    public static void mulRow(float[] a, float[] row, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                out[base + c] = a[base + c] * row[c];
            }
        }
    }

    /** {@code out[r][c] = a[r][c] + col[r]}. */
    public static void addColumn(float[] a, float[] col, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float v = col[r];
            for (int c = 0; c < cols; c++) {
                out[base + c] = a[base + c] + v;
            }
        }
    }

    public static void mulColumn(float[] a, float[] col, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float v = col[r];
            for (int c = 0; c < cols; c++) {
                out[base + c] = a[base + c] * v;
            }
        }
    }

    public static void affine(float[] x, float scale, float shift, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = scale * x[i] + shift;
        }
    }

    /** See {@link Activations} for the rational forms and their error. */
    public static void tanh(float[] x, float[] out, int n) {
        Activations.tanh(x, out, n);
    }

    public static void sigmoid(float[] x, float[] out, int n) {
        Activations.sigmoid(x, out, n);
    }

    public static void relu(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = x[i] > 0 ? x[i] : 0f;
        }
    }

    public static void step(float[] x, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = x[i] > 0 ? 1f : 0f;
        }
    }

    /**
     * Column sums: (rows, cols) to (cols), row by row so the inner loop is unit-stride. Each row is first copied
     * to a scratch row, so that the loop reads and writes at one index and the JIT vectorises it (reading
     * {@code x} at another offset than it writes {@code out}, it cannot rule out that they overlap, and does not:
     * 4x slower at 16 × 768).
     */
    public static void sumRows(float[] x, float[] out, int rows, int cols, boolean accumulate) {
        if (!accumulate) {
            java.util.Arrays.fill(out, 0, cols, 0f);
        }
        float[] row = ROW.get();
        if (row.length < cols) {
            row = new float[cols];
            ROW.set(row);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * cols, row, 0, cols);
            for (int c = 0; c < cols; c++) {
                out[c] += row[c];
            }
        }
    }

    /** Row sums: (rows, cols) to (rows). */
    public static void sumColumns(float[] x, float[] out, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            double s = 0;
            int base = r * cols;
            for (int c = 0; c < cols; c++) {
                s += x[base + c];
            }
            out[r] = (float) s;
        }
    }

    /** Copies blocks: for each of {@code outer} blocks, {@code len} elements from {@code src} at stride {@code srcStride}. */
    public static void copyBlocks(float[] src, int srcOffset, int srcStride, float[] dst, int dstOffset, int dstStride, int outer, int len) {
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, srcOffset + o * srcStride, dst, dstOffset + o * dstStride, len);
        }
    }
}
