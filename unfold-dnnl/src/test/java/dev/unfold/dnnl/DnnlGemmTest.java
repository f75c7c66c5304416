package dev.unfold.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            assertClose(expected, c, 1e-4, "on " + threads + " threads per product");
        }
    }

    /**
     * A weight gradient {@code Gᵀ X} goes to the matmul primitive when it is tall and deep, except, on cores without
     * AVX-512, from 512 columns on, where oneDNN's sgemm(T, N) is the faster.
     */
    @Test
    void wideWeightGradientsStayOnSgemmWithoutAvx512() {
        assertTrue(LeftTransposedProducts.applies(true, false, 2048, 512, 512, 2048, 512, 512, false, true), "2048 x 512 on AVX-512");
        assertFalse(LeftTransposedProducts.applies(true, false, 2048, 512, 512, 2048, 512, 512, false, false), "2048 x 512 on AVX2");
        assertTrue(LeftTransposedProducts.applies(true, false, 1024, 256, 1024, 1024, 256, 256, false, false), "1024 x 256 on AVX2");
        assertTrue(LeftTransposedProducts.applies(true, false, 1024, 256, 1024, 1024, 256, 256, false, true), "1024 x 256 on AVX-512");
        assertFalse(LeftTransposedProducts.applies(true, false, 1024, 256, 128, 1024, 256, 256, false, true), "too shallow");
        assertFalse(LeftTransposedProducts.applies(false, false, 1024, 256, 1024, 1024, 256, 256, false, true), "not transposed");
        assertTrue(LeftTransposedProducts.applies(true, false, 2048, 512, 512, 2048, 512, 512, true, true), "bfloat16");
    }

    /** A parameter read as stored is prepacked only without AVX-512, from 512 columns, over 2 to 512 rows. */
    @Test
    void aStoredParameterIsPrepackedOnlyWideAndWithoutAvx512() {
        assertTrue(PrepackedProducts.takesStored(32, 512, false), "32 x 512 on AVX2");
        assertFalse(PrepackedProducts.takesStored(32, 512, true), "32 x 512 on AVX-512");
        assertFalse(PrepackedProducts.takesStored(16, 256, false), "16 x 256 on AVX2");
        assertFalse(PrepackedProducts.takesStored(1, 512, false), "one row");
        assertFalse(PrepackedProducts.takesStored(1024, 512, false), "taller than prepacking pays");
    }

    /** {@code x · W} with W a parameter read as stored equals the plain kernel, on whichever path the cores take. */
    @Test
    void aStoredParameterProductEqualsThePlainKernel() {
        int m = 32;
        int n = 512;
        int k = 2048;
        java.util.Random rng = new java.util.Random(7);
        float[] a = Fixtures.centred(rng, m * k);
        float[] w = Fixtures.centred(rng, k * n);
        float[] expected = new float[m * n];
        new dev.unfold.kernel.JavaGemm().sgemm(Gemm.Op.N, Gemm.Op.N, m, n, k, a, w, expected, false);
        DnnlGemm gemm = new DnnlGemm();
        Gemm.OperandCache cache = new Gemm.OperandCache();
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = Gemm.withThreads(1, () -> {
                float[] out = accumulate ? expected.clone() : new float[m * n];
                gemm.sgemmImmutableB(cache, Gemm.Op.N, Gemm.Op.N, m, n, k, a, w, out, accumulate);
                return out;
            });
            float[] want = expected.clone();
            if (accumulate) {
                for (int i = 0; i < want.length; i++) {
                    want[i] *= 2;
                }
            }
            assertClose(want, c, 2e-3, accumulate ? "accumulated" : "plain");
        }
    }

    /** The product of a wide weight gradient, on whichever kernel the cores choose, is the plain kernel's. */
    @Test
    void aWideWeightGradientEqualsThePlainKernel() {
        int m = 2048;
        int n = 512;
        int k = 512;
        java.util.Random rng = new java.util.Random(5);
        float[] a = Fixtures.centred(rng, k * m);
        float[] b = Fixtures.centred(rng, k * n);
        float[] expected = Fixtures.centred(rng, m * n);
        float[] c = expected.clone();
        new dev.unfold.kernel.JavaGemm().sgemm(Gemm.Op.T, Gemm.Op.N, m, n, k, a, b, expected, true);
        Gemm.withThreads(1, () -> {
            new DnnlGemm().sgemm(Gemm.Op.T, Gemm.Op.N, m, n, k, a, b, c, true);
            return c;
        });
        assertClose(expected, c, 1e-3, "Gᵀ X");
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, what + ", at " + i);
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
