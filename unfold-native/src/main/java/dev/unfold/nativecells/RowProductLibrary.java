package dev.unfold.nativecells;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.CriticalRegion;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/** The C++ kernel of src/main/cpp/unfold_row_product.h, bound by JavaCPP as {@link LstmGatesLibrary} is. */
@Platform(value = "linux-x86_64", include = {"unfold_cpu.h", "unfold_row_product.h"})
@Namespace("unfold")
final class RowProductLibrary {
    static {
        Loader.load();
    }

    private RowProductLibrary() {
    }

    /** See {@link NativeOneRowProduct#times}. */
    @NoException
    @CriticalRegion
    @Name("row_product")
    static native void times(int n, int k, float[] x, float[] w, float[] y, @Cast("bool") boolean accumulate);

    /** {@link #times} on the body of one instruction level (2 AVX-512, 1 AVX2, 0 scalar), at most {@link #instructionLevel}. */
    @NoException
    @CriticalRegion
    @Name("row_product_on")
    static native void timesOn(int level, int n, int k, float[] x, float[] w, float[] y, @Cast("bool") boolean accumulate);

    @NoException
    @Name("instruction_level")
    static native int instructionLevel();

    @NoException
    @Name("instructions")
    static native String instructions();
}
