package dev.unfold.kernel;

import java.util.ServiceLoader;

/**
 * The {@link SoftmaxRows} kernel found on the class path, if one is usable here, for compiled programs' softmax and
 * cross-entropy; without one they run {@link RowSoftmax}'s Java passes. The environment variable
 * {@code UNFOLD_SOFTMAX} picks ({@code java} or {@code native}), as {@link KernelChoice} says.
 */
public final class SoftmaxKernels {
    private static final KernelChoice<SoftmaxRows> FOUND = choose(ServiceLoader.load(SoftmaxRows.class), System.getenv("UNFOLD_SOFTMAX"));
    private static final SoftmaxRows IN_USE = FOUND.active().orElse(RowSoftmax.JAVA);

    private SoftmaxKernels() {
    }

    /** What the process found, once. */
    public static KernelChoice<SoftmaxRows> found() {
        return FOUND;
    }

    /** The kernel programs run: the one found, or the Java passes. */
    public static SoftmaxRows inUse() {
        return IN_USE;
    }

    static KernelChoice<SoftmaxRows> choose(Iterable<SoftmaxRows> found, String wanted) {
        return KernelChoice.choose(found, "UNFOLD_SOFTMAX", wanted, "softmax kernel", "java passes");
    }
}
