package dev.unfold.dnnl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.graph.Graph;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.JavaGemm;
import dev.unfold.kernel.RowBlocks;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The opt-in bfloat16 products on oneDNN: each within bfloat16's rounding of the exact product (operands rounded to 8
 * significant bits, so each term off by at most about 2⁻⁸ of its size), and not float32's result (the rounding is
 * there), for every form the backend runs in bfloat16; and the compiled executor on them near the float64 truth.
 */
class Bf16ProductsTest {
    private final DnnlGemm gemm = new DnnlGemm();

    @BeforeEach
    void bf16() {
        assumeTrue(gemm.supportsBf16(), "bfloat16 products need cores with bfloat16 instructions (AVX512-BF16 or AMX); these have none");
        assertEquals(DnnlGemm.class, Gemm.backends().active().getClass());
        Gemm.setPrecision(Gemm.Precision.BF16);
    }

    @AfterEach
    void f32() {
        Gemm.setPrecision(Gemm.Precision.F32);
    }

    /** A parameter's products, read as stored and transposed, at per-step, hoisted and taller shapes. */
    @ParameterizedTest(name = "{0}{1} {2}x{3}x{4} accumulate={5}")
    @CsvSource({"N,T,16,1024,256,false", "N,N,16,256,1024,true", "N,T,1024,100,65,false", "T,N,7,5,3,true", "N,T,2,3,300,false"})
    void aParametersProductsAreWithinBfloat16Rounding(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, boolean accumulate) {
        Random rng = new Random(21);
        float[] a = Fixtures.centred(rng, m * k);
        float[] b = Fixtures.centred(rng, k * n);
        float[] c0 = Fixtures.centred(rng, m * n);
        float[] actual = c0.clone();
        gemm.sgemmImmutableB(new Gemm.OperandCache(), opA, opB, m, n, k, a, b, actual, accumulate);
        assertWithinRounding(opA, opB, m, n, k, a, b, c0, accumulate, actual);
    }

    /** Weight gradients {@code Gᵀ X}, whole and from blocks of rows, tall and wide. */
    @ParameterizedTest(name = "{0} blocks of {1} rows, {2} x {3}")
    @CsvSource({"64,16,1024,256", "4,8,65,256", "3,5,7,3"})
    void weightGradientsAreWithinBfloat16Rounding(int count, int rows, int p, int q) {
        Random rng = new Random(22);
        float[][] gs = new float[count][];
        float[][] xs = new float[count][];
        for (int i = 0; i < count; i++) {
            gs[i] = Fixtures.centred(rng, rows * p);
            xs[i] = Fixtures.centred(rng, rows * q);
        }
        float[] g = stack(gs);
        float[] x = stack(xs);
        int k = count * rows;
        float[] c0 = Fixtures.centred(rng, p * q);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] whole = c0.clone();
            gemm.sgemm(Gemm.Op.T, Gemm.Op.N, p, q, k, g, x, whole, accumulate);
            assertWithinRounding(Gemm.Op.T, Gemm.Op.N, p, q, k, g, x, c0, accumulate, whole);
            float[] blocks = c0.clone();
            gemm.sgemm(Gemm.Op.T, Gemm.Op.N, p, q, k, new RowBlocks(gs, rows * p), new RowBlocks(xs, rows * q), blocks, accumulate);
            assertWithinRounding(Gemm.Op.T, Gemm.Op.N, p, q, k, g, x, c0, accumulate, blocks);
        }
    }

    /** Rounding compounds through twelve steps of products: a gradient of a tanh Elman net came within 4.2% here. */
    @ParameterizedTest(name = "{0} layers={1}")
    @CsvSource({"LSTM,2", "GRU,1", "RNN_TANH,1"})
    void theCompiledExecutorOnBfloat16IsNearTheFloat64Truth(CellType cell, int layers) {
        RecurrentSpec spec = new RecurrentSpec(cell, 5, 16, layers, RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, 12, 4, DType.F32);
        double worst = ExecutorEquivalence.assertWithin(new CompiledExecutor(), g, ProbeGraph.build(spec, 12, 4, DType.F64), "loss",
                Fixtures.randomFeeds(g, Fixtures.rng()), 6e-2);
        assertTrue(worst > 1e-4, "bfloat16's rounding shows (float32 is within 1e-5): " + worst);
    }

    /**
     * Each element within 2⁻⁷ of the sum of its terms' sizes from the exact (float64) product, and some element further
     * from float32's than float32's own rounding could put it.
     */
    private static void assertWithinRounding(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c0, boolean accumulate,
            float[] actual) {
        double[] exact = Gemm.mm(wide(a), opA, wide(b), opB, new double[m * n], m, n, k);
        double[] sizes = Gemm.mm(abs(a), opA, abs(b), opB, new double[m * n], m, n, k);
        float[] single = c0.clone();
        new JavaGemm().sgemm(opA, opB, m, n, k, a, b, single, accumulate);
        boolean rounded = false;
        for (int i = 0; i < actual.length; i++) {
            double truth = exact[i] + (accumulate ? c0[i] : 0);
            double bound = sizes[i] / 128 + 1e-6 * Math.abs(truth);
            assertEquals(truth, actual[i], bound, "at " + i);
            rounded |= Math.abs(actual[i] - single[i]) > 1e-4 * sizes[i];
        }
        assertTrue(rounded, "the operands were rounded to bfloat16");
    }

    private static double[] wide(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static double[] abs(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = Math.abs(x[i]);
        }
        return d;
    }

    private static float[] stack(float[][] blocks) {
        int length = blocks[0].length;
        float[] out = new float[blocks.length * length];
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(blocks[i], 0, out, i * length, length);
        }
        return out;
    }
}
