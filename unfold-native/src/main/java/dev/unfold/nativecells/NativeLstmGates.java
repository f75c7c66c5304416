package dev.unfold.nativecells;

import dev.unfold.kernel.GemmBackend;
import dev.unfold.kernel.LstmGates;

/** The LSTM step's gates in C++ (AVX-512 or AVX2, chosen by the processor), found by unfold-core's ServiceLoader. */
public final class NativeLstmGates implements LstmGates {
    private static final String PROBLEM = problem();

    @Override
    public String name() {
        return "native (" + LstmGatesLibrary.instructions() + ")";
    }

    @Override
    public GemmBackend.Availability availability() {
        return PROBLEM == null ? GemmBackend.Availability.yes() : GemmBackend.Availability.no(PROBLEM);
    }

    @Override
    public void step(int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC,
            float[] hNext) {
        int cells = checkCells(rows, hidden, c, i, f, g, o, cNext, tanhC, hNext);
        check(z, 4L * cells, "z");
        LstmGatesLibrary.lstmGates(rows, hidden, z, c, i, f, g, o, cNext, tanhC, hNext);
    }

    @Override
    public void stepOfSum(int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c, float[] i, float[] f, float[] g,
            float[] o, float[] cNext, float[] tanhC, float[] hNext) {
        int cells = checkCells(rows, hidden, c, i, f, g, o, cNext, tanhC, hNext);
        if (aRows == null) {
            check(a, 4L * cells, "a");
        } else {
            checkRows(aRows, rows, a == null ? 0 : a.length / (4L * Math.max(1, hidden)));
        }
        check(y, 4L * cells, "y");
        check(yBias, 4L * hidden, "yBias");
        if (aBias != null) {
            check(aBias, 4L * hidden, "aBias");
        }
        LstmGatesLibrary.lstmGatesOfSum(rows, hidden, a, aRows, aBias, y, yBias, c, i, f, g, o, cNext, tanhC, hNext);
    }

    @Override
    public void backward(int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g, float[] o, float[] tanhC,
            float[] c, float[] dz, float[] prev, float[] prevFactor) {
        if (rows < 0 || hidden < 0) {
            throw new IllegalArgumentException("an LSTM step of " + rows + " rows and " + hidden + " hidden units");
        }
        int cells = Math.multiplyExact(rows, hidden);
        check(dz, 4L * cells, "dz");
        String[] names = {"dhA", "i", "f", "g", "o", "tanhC", "c"};
        float[][] given = {dhA, i, f, g, o, tanhC, c};
        for (int k = 0; k < given.length; k++) {
            check(given[k], cells, names[k]);
        }
        if (dhB != null) {
            check(dhB, cells, "dhB");
        }
        if (next != null) {
            check(next, cells, "next");
        }
        if (prev != null) {
            check(prev, cells, "prev");
            check(prevFactor, cells, "prevFactor");
        }
        LstmGatesLibrary.lstmGatesBackward(rows, hidden, dhA, dhB, next, i, f, g, o, tanhC, c, dz, prev, prevFactor);
    }

    /** The cell-sized arrays checked, the gates all or none: their size. */
    private static int checkCells(int rows, int hidden, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC,
            float[] hNext) {
        if (rows < 0 || hidden < 0) {
            throw new IllegalArgumentException("an LSTM step of " + rows + " rows and " + hidden + " hidden units");
        }
        int cells = Math.multiplyExact(rows, hidden);
        Math.multiplyExact(4, cells);
        check(c, cells, "c");
        check(cNext, cells, "cNext");
        check(hNext, cells, "hNext");
        boolean gates = i != null;
        if (gates != (f != null) || gates != (g != null) || gates != (o != null)) {
            throw new IllegalArgumentException("the gates i, f, g, o are written all or none");
        }
        if (gates) {
            check(i, cells, "i");
            check(f, cells, "f");
            check(g, cells, "g");
            check(o, cells, "o");
        }
        if (tanhC != null) {
            check(tanhC, cells, "tanhC");
        }
        return cells;
    }

    /** Each of the first {@code rows} row numbers names one of the {@code available} rows of a. */
    private static void checkRows(int[] aRows, int rows, long available) {
        if (aRows.length < rows) {
            throw new IllegalArgumentException("the LSTM gates' aRows holds " + aRows.length + " rows, fewer than " + rows);
        }
        for (int r = 0; r < rows; r++) {
            if (aRows[r] < 0 || aRows[r] >= available) {
                throw new IllegalArgumentException("the LSTM gates' row " + aRows[r] + " of a is not in [0, " + available + ")");
            }
        }
    }

    /** The native code reads and writes as many floats as the shapes say: an array shorter than that is refused first. */
    private static void check(float[] a, long size, String name) {
        if (a == null || a.length < size) {
            throw new IllegalArgumentException("the LSTM gates' " + name + " holds " + (a == null ? "nothing" : a.length + " floats")
                    + ", fewer than " + size);
        }
    }

    private static String problem() {
        try {
            LstmGatesLibrary.instructions();
            return null;
        } catch (LinkageError | RuntimeException e) {
            return "its native library did not load (" + e.getMessage() + ")";
        }
    }
}
