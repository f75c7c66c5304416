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
        int cells = Math.multiplyExact(rows, hidden);
        check(z, 4L * cells, "z");
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
        LstmGatesLibrary.lstmGates(rows, hidden, z, c, i, f, g, o, cNext, tanhC, hNext);
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
