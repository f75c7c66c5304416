package dev.unfold.nativecells;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/** The C++ kernels of src/main/cpp/unfold_row_softmax.h, bound by JavaCPP as {@link LstmGatesLibrary} is. */
@Platform(value = "linux-x86_64", include = {"unfold_cpu.h", "unfold_row_softmax.h"})
@Namespace("unfold")
final class SoftmaxRowsLibrary {
    static {
        Loader.load();
    }

    private SoftmaxRowsLibrary() {
    }

    /** {@code out[r] = softmax(x[r])} over a (rows, cols) block; {@code out} may be {@code x}. */
    @NoException
    @CriticalRegion
    @Name("row_softmax")
    static native void softmax(int rows, int cols, float[] x, float[] out);

    /** {@link #softmax} on the body of one instruction level (2 AVX-512, 1 AVX2, 0 scalar), at most {@link #instructionLevel}. */
    @NoException
    @CriticalRegion
    @Name("row_softmax_on")
    static native void softmaxOn(int level, int rows, int cols, float[] x, float[] out);

    /** Each row's maximum and the sum of its exponentials {@code e^{x − max}} in double. */
    @NoException
    @CriticalRegion
    @Name("row_max_and_sum")
    static native void maxAndSum(int rows, int cols, float[] x, float[] maxes, double[] sums);

    /** {@link #maxAndSum} on the body of one instruction level. */
    @NoException
    @CriticalRegion
    @Name("row_max_and_sum_on")
    static native void maxAndSumOn(int level, int rows, int cols, float[] x, float[] maxes, double[] sums);

    @NoException
    @Name("instruction_level")
    static native int instructionLevel();

    @NoException
    @Name("instructions")
    static native String instructions();
}
