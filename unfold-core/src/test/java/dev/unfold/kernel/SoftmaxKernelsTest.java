package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SoftmaxKernelsTest {
    @Test
    void theFirstUsableKernelIsChosenUnlessTheJavaPassesAreAskedFor() {
        Fake broken = new Fake("broken (x)", false);
        Fake fast = new Fake("native (avx512)", true);
        assertEquals(Optional.of(fast), SoftmaxKernels.choose(List.of(broken, fast), null).active());
        assertEquals(Optional.of(fast), SoftmaxKernels.choose(List.of(broken, fast), "NATIVE").active());
        KernelChoice<SoftmaxRows> java = SoftmaxKernels.choose(List.of(broken, fast), " java ");
        assertEquals(Optional.empty(), java.active());
        assertEquals("java passes", java.describe());
        assertEquals(List.of("Fake: not usable, missing", "native (avx512): usable", "UNFOLD_SOFTMAX=java keeps to the java passes"), java.report());
        assertEquals(Optional.of("UNFOLD_SOFTMAX=x names no softmax kernel that works here; available: native, java"),
                SoftmaxKernels.choose(List.of(broken, fast), "x").problem());
    }

    @Test
    void withoutAKernelProgramsRunTheJavaPasses() {
        assertTrue(SoftmaxKernels.found().active().isEmpty(), "unfold-core alone holds no native kernel");
        assertSame(RowSoftmax.JAVA, SoftmaxKernels.inUse());
    }

    private record Fake(String name, boolean usable) implements SoftmaxRows {
        @Override
        public GemmBackend.Availability availability() {
            return usable ? GemmBackend.Availability.yes() : GemmBackend.Availability.no("missing");
        }

        @Override
        public void softmax(float[] x, float[] out, int rows, int cols) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void logSumExp(float[] x, int rows, int cols, double[] lse) {
            throw new UnsupportedOperationException();
        }
    }
}
