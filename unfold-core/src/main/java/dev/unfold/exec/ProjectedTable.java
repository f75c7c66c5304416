package dev.unfold.exec;

import dev.unfold.kernel.Gemm;

/**
 * An embedding table projected through a parameter, {@code E · op(W)} (V × n), or with a bias row added to each of
 * its rows, made again only when {@code E}, {@code W} or the bias comes as a new array: a parameter's array is never
 * written (tensors are immutable), so a new array is the only way one changes. One per program, whose runs take turns.
 */
final class ProjectedTable {
    private final Gemm.OperandCache cache;
    private final Gemm.Op opW;
    private final int vocabulary;
    private final int n;
    private final int k;
    private final float[] projected;
    private float[] table;
    private float[] w;
    private float[] bias;

    ProjectedTable(Gemm.OperandCache cache, Gemm.Op opW, int vocabulary, int n, int k) {
        this.cache = cache;
        this.opW = opW;
        this.vocabulary = vocabulary;
        this.n = n;
        this.k = k;
        this.projected = new float[vocabulary * n];
    }

    /**
     * Row {@code idx[r]} of {@code E · op(W)} (plus {@code b}, unless null) into row r of {@code out}, for each of
     * the {@code rows} rows.
     */
    synchronized void gather(float[] e, float[] weight, float[] b, float[] idx, float[] out, int rows) {
        float[] from = projected(e, weight, b);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(from, LookupLowerings.index(idx[r], vocabulary) * n, out, r * n, n);
        }
    }

    /** {@code E · op(W)} (plus {@code b}, unless null), V rows of n, made again first when an operand is a new array. */
    synchronized float[] projected(float[] e, float[] weight, float[] b) {
        if (e != table || weight != w || b != bias) {
            Gemm.mmImmutableB(cache, e, Gemm.Op.N, weight, opW, projected, vocabulary, n, k);
            if (b != null) {
                for (int v = 0; v < vocabulary; v++) {
                    addRow(b, v * n);
                }
            }
            table = e;
            w = weight;
            bias = b;
        }
        return projected;
    }

    /**
     * The instruction that picks one step's rows, {@code out = (E · op(W) + b)[idx]} ({@code bias} -1 for none), which an
     * LSTM step may take in ({@link LstmGateUnits}) to read the table's rows where they are.
     */
    record Rows(ProjectedTable projection, int table, int w, int bias, int idx, int out, int rows) implements Instruction {
        @Override
        public void run(float[][] v) {
            projection.gather(v[table], v[w], bias < 0 ? null : v[bias], v[idx], v[out], rows);
        }

        int[] reads() {
            return bias < 0 ? new int[] {idx, table, w} : new int[] {idx, table, w, bias};
        }

        /** The projected table, made again first when an operand is a new array. */
        float[] tableOf(float[][] v) {
            return projection.projected(v[table], v[w], bias < 0 ? null : v[bias]);
        }

        /** The table's row of each of the step's tokens, into {@code into}; a token outside the vocabulary is refused. */
        int[] picked(float[][] v, int[] into) {
            float[] tokens = v[idx];
            for (int r = 0; r < rows; r++) {
                into[r] = LookupLowerings.index(tokens[r], projection.vocabulary);
            }
            return into;
        }
    }

    private void addRow(float[] b, int base) {
        for (int j = 0; j < n; j++) {
            projected[base + j] += b[j];
        }
    }
}
