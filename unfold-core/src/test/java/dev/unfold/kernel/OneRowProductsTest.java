package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OneRowProductsTest {
    @Test
    void theFirstUsableKernelIsChosenUnlessTheGemmBackendIsAskedFor() {
        Fake broken = new Fake("broken (x)", false);
        Fake fast = new Fake("native (avx512)", true);
        assertEquals(Optional.of(fast), OneRowProducts.choose(List.of(broken, fast), null).active());
        assertEquals(Optional.of(fast), OneRowProducts.choose(List.of(broken, fast), "Native").active());
        KernelChoice<OneRowProduct> java = OneRowProducts.choose(List.of(broken, fast), "java");
        assertEquals(Optional.empty(), java.active());
        assertEquals("gemm backend", java.describe());
        assertEquals(List.of("Fake: not usable, missing", "native (avx512): usable", "UNFOLD_ROW_PRODUCT=java keeps to the gemm backend"), java.report());
        assertEquals(Optional.of("UNFOLD_ROW_PRODUCT=x names no one-row product kernel that works here; available: native, java"),
                OneRowProducts.choose(List.of(broken, fast), "x").problem());
    }

    @Test
    void withoutAKernelTheGemmBackendKeepsItsOneRowProducts() {
        assertTrue(OneRowProducts.inUse().isEmpty(), "unfold-core alone holds no native kernel");
    }

    private record Fake(String name, boolean usable) implements OneRowProduct {
        @Override
        public GemmBackend.Availability availability() {
            return usable ? GemmBackend.Availability.yes() : GemmBackend.Availability.no("missing");
        }

        @Override
        public void times(float[] x, float[] w, float[] y, int n, int k, boolean accumulate) {
            throw new UnsupportedOperationException();
        }
    }
}
