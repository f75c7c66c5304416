package dev.unfold.nativecells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.unfold.kernel.DirectBufferGemm;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.JavaGemm;
import dev.unfold.kernel.OneRowProducts;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native one-row product on every body, held to sums in double (float32 rounding of a k-term sum, its two
 * chains added in another order than one loop adds), and the GEMM entry point that hands it a batch of one.
 */
class NativeOneRowProductTest {
    private static final NativeOneRowProduct NATIVE = new NativeOneRowProduct();

    @BeforeAll
    static void built() {
        assumeFalse(Boolean.getBoolean("unfold.native.skip"), "built without the native library (-Dunfold.native.skip=true)");
        assertTrue(NATIVE.availability().usable(), NATIVE.availability().toString());
    }

    @ParameterizedTest(name = "n {0}, k {1}")
    @CsvSource({"1,1", "100,100", "65,256", "16,3", "17,1", "130,7", "256,64", "64,2", "31,33", "1024,256", "0,5", "5,0"})
    void agreesWithSumsInDoubleOnEveryBody(int n, int k) {
        Random random = new Random(31L * n + k);
        float[] x = gaussian(random, k);
        float[] w = gaussian(random, n * k);
        float[] start = gaussian(random, n);
        for (boolean accumulate : new boolean[] {false, true}) {
            double[] expected = new double[n];
            double[] bound = new double[n];
            for (int j = 0; j < n; j++) {
                expected[j] = accumulate ? start[j] : 0;
                bound[j] = accumulate ? Math.abs(start[j]) : 0;
                for (int p = 0; p < k; p++) {
                    expected[j] += (double) x[p] * w[p * n + j];
                    bound[j] += Math.abs((double) x[p] * w[p * n + j]);
                }
            }
            for (int level = -1; level <= RowProductLibrary.instructionLevel(); level++) {
                float[] y = start.clone();
                if (level < 0) {
                    NATIVE.times(x, w, y, n, k, accumulate);
                } else {
                    NativeOneRowProduct.timesOn(level, x, w, y, n, k, accumulate);
                }
                for (int j = 0; j < n; j++) {
                    double tolerance = 1e-6 * (k + 1) * bound[j] + 1e-30;
                    assertEquals(expected[j], y[j], tolerance, "column " + j + (accumulate ? ", added" : "") + (level < 0 ? "" : " (level " + level + ")"));
                }
            }
        }
    }

    @Test
    void refusesArraysShorterThanTheShape() {
        assertThrows(IllegalArgumentException.class, () -> NATIVE.times(new float[3], new float[12], new float[4], 4, 4, false));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.times(new float[4], new float[15], new float[4], 4, 4, false));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.times(new float[4], new float[16], new float[3], 4, 4, false));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.times(new float[4], new float[16], new float[4], -1, 4, false));
    }

    /**
     * A backend on direct buffers hands a batch of one of an immutable operand, read as stored or transposed, to the
     * kernel (its own calls fail here), its transposed copy made again when a new array takes the operand's place.
     */
    @Test
    void aDirectBufferBackendHandsABatchOfOneToItAndFollowsNewWeights() {
        assertTrue(OneRowProducts.inUse().isPresent(), OneRowProducts.found().report().toString());
        DirectBufferGemm backend = new OwnCallsRefused();
        Random random = new Random(5);
        int n = 100;
        int k = 70;
        float[] x = gaussian(random, k);
        for (Gemm.Op opB : Gemm.Op.values()) {
            Gemm.OperandCache cache = new Gemm.OperandCache();
            for (int update = 0; update < 3; update++) {
                float[] w = gaussian(random, n * k);
                for (boolean accumulate : new boolean[] {false, true}) {
                    float[] start = gaussian(random, n);
                    float[] expected = start.clone();
                    new JavaGemm().sgemm(Gemm.Op.N, opB, 1, n, k, x, w, expected, accumulate);
                    float[] y = start.clone();
                    backend.sgemmImmutableB(cache, Gemm.Op.N, opB, 1, n, k, x, w, y, accumulate);
                    for (int j = 0; j < n; j++) {
                        assertEquals(expected[j], y[j], 1e-4, opB + ", update " + update + (accumulate ? ", added" : "") + ", column " + j);
                    }
                }
            }
        }
    }

    /** A backend whose own products fail: what it computes comes from the kernel. */
    private static final class OwnCallsRefused extends DirectBufferGemm {
        @Override
        public String name() {
            return "own calls refused";
        }

        @Override
        protected void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta,
                FloatBuffer c, int ldc) {
            throw new AssertionError("a product of " + m + " rows reached the backend");
        }

        @Override
        protected void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y) {
            throw new AssertionError("a one-row product reached the backend");
        }

        @Override
        protected void load() {
        }

        @Override
        protected void applyThreads(int threads) {
        }
    }

    private static float[] gaussian(Random random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
