package dev.unfold.kernel;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The {@link OneRowProduct} kernel found on the class path, if one is usable here, for the one-row products of
 * an immutable right operand; without one they stay the GEMM backend's. The environment variable
 * {@code UNFOLD_ROW_PRODUCT} picks ({@code java} or {@code native}), as {@link KernelChoice} says.
 */
public final class OneRowProducts {
    private static final KernelChoice<OneRowProduct> FOUND = choose(ServiceLoader.load(OneRowProduct.class), System.getenv("UNFOLD_ROW_PRODUCT"));

    private OneRowProducts() {
    }

    /** What the process found, once. */
    public static KernelChoice<OneRowProduct> found() {
        return FOUND;
    }

    /** The kernel products run, if one was found. */
    public static Optional<OneRowProduct> inUse() {
        return FOUND.active();
    }

    static KernelChoice<OneRowProduct> choose(Iterable<OneRowProduct> found, String wanted) {
        return KernelChoice.choose(found, "UNFOLD_ROW_PRODUCT", wanted, "one-row product kernel", "gemm backend");
    }
}
