package dev.unfold.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.GemmBackend;
import dev.unfold.testkit.Fixtures;
import dev.unfold.testkit.GemmBackendContract;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** oneDNN against the pure-Java kernel, and the compiled executor on it against the interpreter. */
class DnnlGemmTest extends GemmBackendContract {
    @Override
    protected GemmBackend backend() {
        return new DnnlGemm();
    }

    /** A packed copy is in the layout of the primitive that reads it, whatever the threads per product it was made for. */
    @Test
    void aPrepackedParameterReadOnOneAndOnTwoThreadsPerProduct() {
        DnnlGemm gemm = new DnnlGemm();
        int m = 16;
        int n = 1024;
        int k = 256;
        java.util.Random rng = new java.util.Random(3);
        float[] a = Fixtures.centred(rng, m * k);
        float[] w = Fixtures.centred(rng, n * k);
        float[] expected = new float[m * n];
        new dev.unfold.kernel.JavaGemm().sgemm(Gemm.Op.N, Gemm.Op.T, m, n, k, a, w, expected, false);
        Gemm.OperandCache cache = new Gemm.OperandCache();
        for (int threads : new int[] {1, 2, 1, 0}) {
            float[] c = Gemm.withThreads(threads, () -> {
                float[] out = new float[m * n];
                gemm.sgemmImmutableB(cache, Gemm.Op.N, Gemm.Op.T, m, n, k, a, w, out, false);
                return out;
            });
            for (int i = 0; i < c.length; i++) {
                assertEquals(expected[i], c[i], 1e-4, "on " + threads + " threads per product, at " + i);
            }
        }
    }

    @Test
    void eachCallingThreadRunsItsProductsOnTheThreadsItAsksFor() throws InterruptedException {
        DnnlGemm gemm = new DnnlGemm();
        assertTrue(gemm.availability().usable(), gemm.availability().reason());
        String own = gemm.name();
        assertTrue(Gemm.withThreads(1, gemm::name).contains("(1 thread per product)"), "inside withThreads(1)");
        assertEquals(own, gemm.name(), "the setting ends with withThreads");
        AtomicReference<String> seenByAnother = new AtomicReference<>();
        Thread other = new Thread(() -> seenByAnother.set(gemm.name()));
        String mine = Gemm.withThreads(1, () -> {
            float[] c = new float[4];
            gemm.sgemm(Gemm.Op.N, Gemm.Op.N, 2, 2, 2, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}, c, false);
            other.start();
            try {
                other.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return gemm.name();
        });
        assertTrue(mine.contains("(1 thread per product)"), mine);
        assertEquals(own, seenByAnother.get(), "another thread keeps its own setting");
        if (Runtime.getRuntime().availableProcessors() > 1) {
            assertTrue(Gemm.withThreads(2, gemm::name).contains("(2 threads per product)"), "inside withThreads(2)");
        }
    }
}
