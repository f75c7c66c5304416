package dev.unfold.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.graph.Graph;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.GemmBackend;
import dev.unfold.kernel.JavaGemm;
import dev.unfold.kernel.RowBlocks;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every native GEMM backend must do, for each module that brings one: agree with the pure-Java
 * kernel for every transpose form, at RNN shapes and odd ones (its operand cache included), and, as the
 * active backend, leave the compiled executor as accurate as the reference interpreter (both against the
 * interpreter in float64: a backend's products sum in other orders than the interpreter's).
 */
public abstract class GemmBackendContract {
    /** The backend under test; it must also be the one {@link Gemm} chose on this class path. */
    protected abstract GemmBackend backend();

    @ParameterizedTest(name = "{0}{1} {2}x{3}x{4} accumulate={5}")
    @CsvSource({"N,N,32,1024,256,false", "N,T,32,1024,256,false", "T,N,256,1024,32,true", "T,T,7,5,3,false",
        "N,N,1,100,100,false", "N,T,1,65,100,true", "T,N,1,100,40,false", "T,T,1,7,9,true", "N,T,2048,256,64,true",
        "N,T,16,1024,256,false", "N,T,24,65,100,true", "T,T,16,768,256,true", "N,T,512,100,65,false", "N,T,513,100,65,false",
        "T,N,1024,256,256,true", "T,N,1024,64,512,false", "T,N,600,37,300,true", "T,N,512,256,255,false"})
    void agreesWithTheJavaKernel(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, boolean accumulate) {
        GemmBackend blas = backend();
        assertTrue(blas.availability().usable(), blas.availability().reason());
        Random rng = new Random(5);
        float[] a = Fixtures.centred(rng, m * k);
        float[] b = Fixtures.centred(rng, k * n);
        float[] c0 = new float[m * n];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = rng.nextFloat();
        }
        float[] expected = c0.clone();
        float[] actual = c0.clone();
        new JavaGemm().sgemm(opA, opB, m, n, k, a, b, expected, accumulate);
        blas.sgemm(opA, opB, m, n, k, a, b, actual, accumulate);
        Gemm.OperandCache cache = new Gemm.OperandCache();
        float[] viaImmutable = c0.clone();
        blas.sgemmImmutableB(cache, opA, opB, m, n, k, a, b, viaImmutable, accumulate);
        float[] again = c0.clone();
        blas.sgemmImmutableB(cache, opA, opB, m, n, k, a, b, again, accumulate);
        float[] updatedB = b.clone();
        for (int i = 0; i < updatedB.length; i++) {
            updatedB[i] += 0.25f;
        }
        float[] updatedExpected = c0.clone();
        blas.sgemmImmutableB(new Gemm.OperandCache(), opA, opB, m, n, k, a, updatedB, updatedExpected, accumulate);
        float[] updated = c0.clone();
        blas.sgemmImmutableB(cache, opA, opB, m, n, k, a, updatedB, updated, accumulate);
        float[] updatedJava = c0.clone();
        new JavaGemm().sgemm(opA, opB, m, n, k, a, updatedB, updatedJava, accumulate);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])));
            assertEquals(expected[i], viaImmutable[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "through the operand cache");
            assertEquals(viaImmutable[i], again[i], 0f, "the cached copy of B gives the same product");
            assertEquals(updatedExpected[i], updated[i], 0f, "a new array in the cache's role is copied afresh");
            assertEquals(updatedJava[i], updated[i], 1e-4 * Math.max(1, Math.abs(updatedJava[i])));
        }
    }

    /** A parameter read as stored by one product and transposed by another (forward and backward) through one cache. */
    @ParameterizedTest(name = "{0} rows")
    @CsvSource({"1", "16", "600"})
    void oneCacheServesAParameterReadAsStoredAndTransposed(int m) {
        GemmBackend blas = backend();
        Random rng = new Random(11);
        int rows = 48;
        int cols = 20;
        float[] w = Fixtures.centred(rng, rows * cols);
        float[] x = Fixtures.centred(rng, m * cols);
        float[] g = Fixtures.centred(rng, m * rows);
        Gemm.OperandCache cache = new Gemm.OperandCache();
        for (int round = 0; round < 2; round++) {
            float[] forward = new float[m * rows];
            float[] backward = new float[m * cols];
            blas.sgemmImmutableB(cache, Gemm.Op.N, Gemm.Op.T, m, rows, cols, x, w, forward, false);
            blas.sgemmImmutableB(cache, Gemm.Op.N, Gemm.Op.N, m, cols, rows, g, w, backward, false);
            float[] forwardJava = new float[m * rows];
            float[] backwardJava = new float[m * cols];
            new JavaGemm().sgemm(Gemm.Op.N, Gemm.Op.T, m, rows, cols, x, w, forwardJava, false);
            new JavaGemm().sgemm(Gemm.Op.N, Gemm.Op.N, m, cols, rows, g, w, backwardJava, false);
            for (int i = 0; i < forward.length; i++) {
                assertEquals(forwardJava[i], forward[i], 1e-4, "x·wᵀ, round " + round);
            }
            for (int i = 0; i < backward.length; i++) {
                assertEquals(backwardJava[i], backward[i], 1e-4, "g·w, round " + round);
            }
            w = w.clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= -1.5f;
            }
        }
    }

    /**
     * Operands given as blocks of rows (a window's steps) give the product of their stack: a weight gradient
     * {@code Gᵀ X} summed over the blocks, added to and not, and a parameter's product with each block of A landing
     * in the same block of C, the blocks longer than they are read.
     */
    @ParameterizedTest(name = "{0} blocks of {1} rows, {2} x {3}")
    @CsvSource({"64,16,1024,256", "3,5,7,3", "1,1,4,4", "16,32,2048,64"})
    void operandsGivenAsBlocksOfRowsMultiplyAsTheirStack(int count, int rows, int p, int q) {
        blocksMultiplyAsTheirStack(backend(), count, rows, p, q);
    }

    /** The check of {@link #operandsGivenAsBlocksOfRowsMultiplyAsTheirStack} on any backend (the Java kernel's defaults too). */
    public static void blocksMultiplyAsTheirStack(GemmBackend blas, int count, int rows, int p, int q) {
        Random rng = new Random(13);
        float[][] gs = new float[count][];
        float[][] xs = new float[count][];
        for (int i = 0; i < count; i++) {
            gs[i] = Fixtures.centred(rng, rows * p + i % 2);
            xs[i] = Fixtures.centred(rng, rows * q);
        }
        RowBlocks g = new RowBlocks(gs, rows * p);
        RowBlocks x = new RowBlocks(xs, rows * q);
        float[] stackedG = stack(gs, rows * p);
        float[] stackedX = stack(xs, rows * q);
        int k = count * rows;
        float[] c0 = Fixtures.centred(rng, p * q);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] expected = c0.clone();
            new JavaGemm().sgemm(Gemm.Op.T, Gemm.Op.N, p, q, k, stackedG, stackedX, expected, accumulate);
            float[] actual = c0.clone();
            blas.sgemm(Gemm.Op.T, Gemm.Op.N, p, q, k, g, x, actual, accumulate);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * Math.max(1, Math.abs(expected[i])), "Gᵀ X accumulate=" + accumulate + " at " + i);
            }
        }
        float[] w = Fixtures.centred(rng, p * q);
        for (Gemm.Op opB : Gemm.Op.values()) {
            int n = opB == Gemm.Op.T ? p : q;
            int wk = opB == Gemm.Op.T ? q : p;
            float[][] as = new float[count][];
            float[][] outs = new float[count][];
            for (int i = 0; i < count; i++) {
                as[i] = Fixtures.centred(rng, rows * wk);
                outs[i] = new float[rows * n + 1];
                outs[i][rows * n] = 7f;
            }
            float[] expected = new float[k * n];
            new JavaGemm().sgemm(Gemm.Op.N, opB, k, n, wk, stack(as, rows * wk), w, expected, false);
            blas.sgemmImmutableB(new Gemm.OperandCache(), opB, k, n, wk, new RowBlocks(as, rows * wk), w, new RowBlocks(outs, rows * n));
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < rows * n; j++) {
                    assertEquals(expected[i * rows * n + j], outs[i][j], 1e-4 * Math.max(1, Math.abs(expected[i * rows * n + j])),
                            "A·op(W) with op " + opB + ", block " + i + " at " + j);
                }
                assertEquals(7f, outs[i][rows * n], 0f, "past the block's length");
            }
        }
    }

    private static float[] stack(float[][] blocks, int length) {
        float[] out = new float[blocks.length * length];
        for (int i = 0; i < blocks.length; i++) {
            System.arraycopy(blocks[i], 0, out, i * length, length);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"LSTM,2,false", "GRU,1,true", "RNN_TANH,2,true", "JORDAN,1,false", "RNN_RELU,1,false"})
    void theCompiledExecutorOnItAgreesWithTheInterpreter(CellType cell, int layers, boolean bidirectional) {
        assertEquals(backend().getClass(), Gemm.backends().active().getClass(), "active: " + Gemm.backends().report());
        RecurrentSpec spec = new RecurrentSpec(cell, 5, 16, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, 12, 4, DType.F32);
        ExecutorEquivalence.assertAsAccurate(new CompiledExecutor(), g, ProbeGraph.build(spec, 12, 4, DType.F64), "loss",
                Fixtures.randomFeeds(g, Fixtures.rng()));
    }
}
