package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GemmBackendsTest {
    /** A stand-in backend: usable or not, with a preference, and a name that may need a missing library. */
    private record Fake(String label, boolean usable, int rank, boolean nameNeedsLibrary) implements GemmBackend {
        @Override
        public String name() {
            if (nameNeedsLibrary) {
                throw new NoClassDefFoundError("org/example/native/Library");
            }
            return label;
        }

        @Override
        public Availability availability() {
            return usable ? Availability.yes() : Availability.no("native library did not load");
        }

        @Override
        public int preference() {
            return rank;
        }

        @Override
        public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            new JavaGemm().sgemm(opA, opB, m, n, k, a, b, c, accumulate);
        }
    }

    @Test
    void theUsableBackendWithTheHighestPreferenceRuns() {
        Fake slow = new Fake("slow", true, 1, false);
        Fake fast = new Fake("fast", true, 3, false);
        Fake broken = new Fake("broken", false, 9, false);
        assertSame(fast, GemmBackends.choose(List.of(slow, broken, fast), null).active());
        assertSame(slow, GemmBackends.choose(List.of(slow, broken, fast), "slow").active());
        assertInstanceOf(JavaGemm.class, GemmBackends.choose(List.of(slow, fast), "java").active());
    }

    @Test
    void aBackendWhoseLibraryIsMissingCannotBreakTheChoice() {
        Fake missing = new Fake("missing", false, 5, true);
        Fake fallback = new Fake("fallback", true, 1, false);
        GemmBackends chosen = GemmBackends.choose(List.of(missing, fallback), null);
        assertSame(fallback, chosen.active());
        assertTrue(chosen.report().contains("Fake: not usable, native library did not load"), chosen.report().toString());
        assertInstanceOf(JavaGemm.class, GemmBackends.choose(List.of(missing), null).active());
    }

    @Test
    void aBackendNamedThatIsNotThereIsAnErrorNamingTheOnesThatAre() {
        Fake slow = new Fake("slow", true, 1, false);
        Fake broken = new Fake("broken", false, 9, false);
        GemmBackends bogus = GemmBackends.choose(List.of(slow, broken), "bogus");
        assertTrue(bogus.problem().isPresent(), bogus.report().toString());
        assertTrue(bogus.problem().get().contains("UNFOLD_GEMM=bogus") && bogus.problem().get().contains("available: slow, java"), bogus.problem().get());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> bogus.active().sgemm(Gemm.Op.N, Gemm.Op.N, 1, 1, 1, new float[1], new float[1], new float[1], false));
        assertTrue(GemmBackends.choose(List.of(slow, broken), "broken").problem().isPresent(), "a backend that cannot run is no choice");
        assertTrue(GemmBackends.choose(List.of(slow), null).problem().isEmpty());
    }
}
