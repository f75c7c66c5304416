package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.unfold.testkit.Fixtures;
import dev.unfold.testkit.GemmBackendContract;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every transpose form of both precisions against the textbook triple loop. */
class GemmTest {
    @ParameterizedTest(name = "{0}{1} m={2} n={3} k={4}")
    @CsvSource({"N,N,3,4,5", "N,T,3,4,5", "T,N,3,4,5", "T,T,3,4,5", "N,N,1,7,1", "T,T,6,1,9", "N,T,17,33,65"})
    void matchesTheTextbookProduct(Gemm.Op opA, Gemm.Op opB, int m, int n, int k) {
        Random rng = Fixtures.rng();
        double[] a = new double[m * k];
        double[] b = new double[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() - 0.5;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextDouble() - 0.5;
        }
        double[] expected = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int p = 0; p < k; p++) {
                    double av = opA == Gemm.Op.N ? a[i * k + p] : a[p * m + i];
                    double bv = opB == Gemm.Op.N ? b[p * n + j] : b[j * k + p];
                    expected[i * n + j] += av * bv;
                }
            }
        }
        double[] c = Gemm.mm(a, opA, b, opB, new double[m * n], m, n, k);
        float[] af = new float[a.length];
        float[] bf = new float[b.length];
        for (int i = 0; i < a.length; i++) {
            af[i] = (float) a[i];
        }
        for (int i = 0; i < b.length; i++) {
            bf[i] = (float) b[i];
        }
        float[] cf = Gemm.mm(af, opA, bf, opB, new float[m * n], m, n, k);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], c[i], 1e-12);
            assertEquals(expected[i], cf[i], 1e-5);
        }
    }

    @ParameterizedTest
    @CsvSource({"2"})
    void rejectsAnOutputThatAliasesAnInput(int n) {
        double[] a = new double[n * n];
        assertThrows(IllegalArgumentException.class, () -> Gemm.mm(a, Gemm.Op.N, new double[n * n], Gemm.Op.N, a, n, n, n));
        float[] block = new float[n * n];
        RowBlocks blocks = new RowBlocks(new float[][] {new float[n * n], block}, n * n);
        assertThrows(IllegalArgumentException.class, () -> Gemm.mm(blocks, Gemm.Op.T, blocks, Gemm.Op.N, block, n, n, 2 * n, false));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.mmImmutableB(new Gemm.OperandCache(), blocks, new float[n * n], Gemm.Op.N, new RowBlocks(new float[][] {block}, n * n), n, n, n));
    }

    /** The default of every backend without its own: the blocks copied into one array, and the product's out of one. */
    @ParameterizedTest(name = "{0} blocks of {1} rows, {2} x {3}")
    @CsvSource({"64,16,1024,256", "3,5,7,3", "1,1,4,4"})
    void theJavaKernelMultipliesBlocksOfRowsAsTheirStack(int count, int rows, int p, int q) {
        GemmBackendContract.blocksMultiplyAsTheirStack(new JavaGemm(), count, rows, p, q);
    }

    @org.junit.jupiter.api.Test
    void bfloat16IsRefusedWhereTheActiveBackendCannotRunIt() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Gemm.backends().active().supportsBf16());
        assertThrows(IllegalStateException.class, () -> Gemm.setPrecision(Gemm.Precision.BF16));
        assertEquals(Gemm.Precision.F32, Gemm.precision(), "nothing changed");
    }

    @org.junit.jupiter.api.Test
    void aBlockShorterThanItsLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RowBlocks(new float[][] {new float[4], new float[3]}, 4));
    }
}
