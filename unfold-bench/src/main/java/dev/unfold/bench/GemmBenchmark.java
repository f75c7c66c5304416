package dev.unfold.bench;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.JavaGemm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-precision GEMM at the RNN shapes: Unfold's entry point ({@link Gemm#mm}, the active backend on
 * on-heap arrays), the pure-Java kernel, and the bare native calls on direct buffers (no copies):
 * OpenBLAS's {@code cblas_sgemm}, the reference ceiling, and oneDNN's {@code dnnl_sgemm}, the default
 * backend's, as stored and with B transposed (a recurrence's {@code h·Wᵀ}, which Unfold runs prepacked on
 * oneDNN's matmul primitive). 16x1024x256 is one shard's per-step product. GFLOP/s = 2·m·n·k / (time per operation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBenchmark {
    /** m x n x k. */
    @Param({"512x512x512", "32x1024x256", "16x1024x256", "1x100x100", "2048x1024x64", "1024x256x1024"})
    public String shape;

    int m;
    int n;
    int k;
    float[] a;
    float[] b;
    float[] c;
    FloatBuffer da;
    FloatBuffer db;
    FloatBuffer dc;
    final JavaGemm java = new JavaGemm();

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        n = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        Random rng = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = rng.nextFloat();
        }
        da = direct(a);
        db = direct(b);
        dc = direct(c);
    }

    private static FloatBuffer direct(float[] x) {
        FloatBuffer f = ByteBuffer.allocateDirect(4 * x.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        f.put(x).rewind();
        return f;
    }

    @Benchmark
    public float[] unfoldGemm() {
        return Gemm.mm(a, Gemm.Op.N, b, Gemm.Op.N, c, m, n, k);
    }

    /** The compiled executor's path for a parameter operand: B is copied to native memory once and reused. */
    private final Gemm.OperandCache cache = new Gemm.OperandCache();

    @Benchmark
    public float[] unfoldGemmParameterRight() {
        return Gemm.mmImmutableB(cache, a, Gemm.Op.N, b, Gemm.Op.N, c, m, n, k);
    }

    /** A parameter read transposed ({@code h·Wᵀ}, B stored n × k): on oneDNN, the matmul primitive on the prepacked parameter. */
    private final Gemm.OperandCache repeatedTransposed = new Gemm.OperandCache();

    @Benchmark
    public float[] unfoldGemmParameterRightTransposed() {
        return Gemm.mmImmutableB(repeatedTransposed, a, Gemm.Op.N, b, Gemm.Op.T, c, m, n, k);
    }

    /**
     * A weight gradient summed over a window's steps, {@code Gᵀ X} with G stored (k × m): on oneDNN, the matmul
     * primitive reading G transposed in place when the output is tall (1024x256x1024: 4H × H over 1,024 rows).
     */
    @Benchmark
    public float[] unfoldGemmLeftTransposed() {
        return Gemm.mm(a, Gemm.Op.T, b, Gemm.Op.N, c, m, n, k, true);
    }

    @Benchmark
    public float[] javaKernel() {
        java.sgemm(Gemm.Op.N, Gemm.Op.N, m, n, k, a, b, c, false);
        return c;
    }

    @Benchmark
    public FloatBuffer openBlasDirectCeiling() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, k, 1f, da, k, db, n, 0f, dc, n);
        return dc;
    }

    @Benchmark
    public FloatBuffer oneDnnDirect() {
        dnnl.dnnl_sgemm((byte) 'N', (byte) 'N', m, n, k, 1f, da, k, db, n, 0f, dc, n);
        return dc;
    }

    /** {@code dnnl_sgemm(T, N)}: A stored (k × m) and read transposed, the weight-gradient product without the matmul primitive. */
    @Benchmark
    public FloatBuffer oneDnnDirectLeftTransposed() {
        dnnl.dnnl_sgemm((byte) 'T', (byte) 'N', m, n, k, 1f, da, m, db, n, 1f, dc, n);
        return dc;
    }

    /** OpenBLAS's {@code sgemm(T, N)}, A stored (k × m). */
    @Benchmark
    public FloatBuffer openBlasDirectLeftTransposed() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasTrans, openblas.CblasNoTrans, m, n, k, 1f, da, m, db, n, 1f, dc, n);
        return dc;
    }

    /** {@code dnnl_sgemm} with B transposed (stored n × k), which repacks B on every call. */
    @Benchmark
    public FloatBuffer oneDnnDirectTransposed() {
        dnnl.dnnl_sgemm((byte) 'N', (byte) 'T', m, n, k, 1f, da, k, db, k, 0f, dc, n);
        return dc;
    }
}
