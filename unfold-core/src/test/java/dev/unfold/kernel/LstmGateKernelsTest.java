package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LstmGateKernelsTest {
    @Test
    void theFirstUsableKernelIsChosenUnlessTheJavaPassesAreAskedFor() {
        Fake broken = new Fake("broken (x)", false);
        Fake fast = new Fake("native (avx512)", true);
        assertEquals(Optional.of(fast), LstmGateKernels.choose(List.of(broken, fast), null).active());
        assertEquals(Optional.of(fast), LstmGateKernels.choose(List.of(broken, fast), " ").active());
        assertEquals(Optional.of(fast), LstmGateKernels.choose(List.of(broken, fast), "Native").active());
        KernelChoice<LstmGates> java = LstmGateKernels.choose(List.of(broken, fast), "java");
        assertEquals(Optional.empty(), java.active());
        assertTrue(java.problem().isEmpty());
        assertEquals("java passes", java.describe());
        assertEquals(List.of("Fake: not usable, missing", "native (avx512): usable", "UNFOLD_LSTM_GATES=java keeps to the java passes"), java.report());
    }

    @Test
    void aKernelNamedThatIsNotThereIsAProblemNamingTheOnesThatAre() {
        Fake broken = new Fake("broken (x)", false);
        Fake fast = new Fake("native (avx512)", true);
        KernelChoice<LstmGates> bogus = LstmGateKernels.choose(List.of(broken, fast), "jav\na");
        assertEquals(Optional.empty(), bogus.active());
        assertEquals(Optional.of("UNFOLD_LSTM_GATES=jav?a names no LSTM gate kernel that works here; available: native, java"), bogus.problem());
        assertTrue(LstmGateKernels.choose(List.of(broken, fast), "broken").problem().isPresent(), "a kernel that cannot run is no choice");
        assertTrue(LstmGateKernels.choose(List.of(), "native").problem().isPresent(), "without the module, native is no choice");
        assertTrue(LstmGateKernels.choose(List.of(), null).problem().isEmpty());
    }

    private record Fake(String name, boolean usable) implements LstmGates {
        @Override
        public GemmBackend.Availability availability() {
            return usable ? GemmBackend.Availability.yes() : GemmBackend.Availability.no("missing");
        }

        @Override
        public void step(int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC,
                float[] hNext) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stepOfSum(int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c, float[] i, float[] f,
                float[] g, float[] o, float[] cNext, float[] tanhC, float[] hNext) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void backward(int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g, float[] o, float[] tanhC,
                float[] c, float[] dz, float[] prev, float[] prevFactor) {
            throw new UnsupportedOperationException();
        }
    }
}
