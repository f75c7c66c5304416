package dev.unfold.nativecells;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The C++ kernel of src/main/cpp/unfold_lstm_gates.h, bound by JavaCPP (its build plugin compiles the header and
 * the JNI glue into a library that is packed into the jar). The arrays are read in place, pinned for the call.
 */
@Platform(value = "linux-x86_64", include = {"unfold_cpu.h", "unfold_lstm_gates.h"})
@Namespace("unfold")
final class LstmGatesLibrary {
    static {
        Loader.load();
    }

    private LstmGatesLibrary() {
    }

    /** See {@link NativeLstmGates#step}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates")
    static native void lstmGates(int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext,
            float[] tanhC, float[] hNext);

    /** {@link #lstmGates} on the body of one instruction level (2 AVX-512, 1 AVX2, 0 scalar), at most {@link #instructionLevel}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates_on")
    static native void lstmGatesOn(int level, int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o,
            float[] cNext, float[] tanhC, float[] hNext);

    /** See {@link NativeLstmGates#stepOfSum}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates_of_sum")
    static native void lstmGatesOfSum(int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c, float[] i,
            float[] f, float[] g, float[] o, float[] cNext, float[] tanhC, float[] hNext);

    /** {@link #lstmGatesOfSum} on the body of one instruction level, at most {@link #instructionLevel}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates_of_sum_on")
    static native void lstmGatesOfSumOn(int level, int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c,
            float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC, float[] hNext);

    /** See {@link NativeLstmGates#backward}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates_backward")
    static native void lstmGatesBackward(int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g, float[] o,
            float[] tanhC, float[] c, float[] dz, float[] prev, float[] prevFactor);

    /** {@link #lstmGatesBackward} on the body of one instruction level, at most {@link #instructionLevel}. */
    @NoException
    @CriticalRegion
    @Name("lstm_gates_backward_on")
    static native void lstmGatesBackwardOn(int level, int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g,
            float[] o, float[] tanhC, float[] c, float[] dz, float[] prev, float[] prevFactor);

    /** The best instruction level here: 2 AVX-512, 1 AVX2, 0 scalar. */
    @NoException
    @Name("instruction_level")
    static native int instructionLevel();

    /** The instructions the kernel runs on here: avx512, avx2 or scalar. */
    @NoException
    @Name("instructions")
    static native String instructions();
}
