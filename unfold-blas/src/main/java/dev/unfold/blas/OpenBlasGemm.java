package dev.unfold.blas;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.GemmBackend;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * {@code cblas_sgemm} from OpenBLAS on direct buffers: operands are copied into per-thread scratch
 * buffers (JNI's array path would copy every operand in and back out), and an immutable right operand
 * (a parameter read by all T steps) is copied once per update into its {@link Gemm.OperandCache}. OpenBLAS picks its
 * own thread count (all cores, or {@code OPENBLAS_NUM_THREADS}, read when the library loads).
 */
public final class OpenBlasGemm implements GemmBackend {
    private static final float[] A = {1, 2, 3, 4};
    private static final float[] B = {5, 6, 7, 8};
    private static final float[] AB = {19, 22, 43, 50};
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    @Override
    public String name() {
        int threads = openblas_full.openblas_get_num_threads();
        return "openblas " + openblas.OPENBLAS_VERSION.trim().replace("OpenBLAS ", "") + " (" + threads + (threads == 1 ? " thread" : " threads")
                + " per product)";
    }

    /** OpenBLAS's thread count is process-wide; products already running keep theirs. */
    @Override
    public void useThreads(int threads) {
        openblas_full.openblas_set_num_threads(threads);
    }

    @Override
    public Availability availability() {
        try {
            Loader.load(openblas.class);
            Loader.load(openblas_full.class);
        } catch (LinkageError | RuntimeException e) {
            return Availability.no("native library did not load: " + e.getMessage());
        }
        float[] c = new float[4];
        sgemm(Gemm.Op.N, Gemm.Op.N, 2, 2, 2, A, B, c, false);
        if (!java.util.Arrays.equals(c, AB)) {
            return Availability.no("a 2x2 test product came out wrong: " + java.util.Arrays.toString(c));
        }
        return Availability.yes();
    }

    @Override
    public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
        Scratch s = SCRATCH.get();
        FloatBuffer db = s.b(k * n);
        db.put(b, 0, k * n).rewind();
        run(s, opA, opB, m, n, k, a, db, c, accumulate);
    }

    /** The cached copy is refreshed in place when a new array comes: no allocation per parameter update. */
    @Override
    public void sgemmImmutableB(Gemm.OperandCache cache, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c,
            boolean accumulate) {
        FloatBuffer db;
        synchronized (cache) {
            if (cache.source() != b) {
                FloatBuffer old = (FloatBuffer) cache.copy();
                FloatBuffer fresh = old != null && old.capacity() >= k * n ? old : Scratch.allocate(k * n);
                fresh.clear();
                fresh.put(b, 0, k * n).rewind();
                cache.hold(b, fresh);
            }
            db = ((FloatBuffer) cache.copy()).duplicate();
        }
        run(SCRATCH.get(), opA, opB, m, n, k, a, db, c, accumulate);
    }

    private static void run(Scratch s, Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, FloatBuffer db, float[] c, boolean accumulate) {
        FloatBuffer da = s.a(m * k);
        da.put(a, 0, m * k).rewind();
        FloatBuffer dc = s.c(m * n);
        if (accumulate) {
            dc.put(c, 0, m * n).rewind();
        }
        float beta = accumulate ? 1f : 0f;
        if (m == 1) {
            vectorTimesMatrix(opB, n, k, da, db, dc, beta);
        } else {
            int lda = opA == Gemm.Op.N ? k : m;
            int ldb = opB == Gemm.Op.N ? n : k;
            openblas.cblas_sgemm(openblas.CblasRowMajor, trans(opA), trans(opB), m, n, k, 1f, da, lda, db, ldb, beta, dc, n);
        }
        dc.get(c, 0, m * n).rewind();
    }

    /**
     * A batch-1 product {@code c (1×n) = a (1×k) op(B)}: OpenBLAS's sgemm is slow for one row, its sgemv is
     * not. With B stored (k×n) that is {@code Bᵀ a}; with B stored (n×k), {@code B a}.
     */
    private static void vectorTimesMatrix(Gemm.Op opB, int n, int k, FloatBuffer a, FloatBuffer b, FloatBuffer c, float beta) {
        if (opB == Gemm.Op.N) {
            openblas.cblas_sgemv(openblas.CblasRowMajor, openblas.CblasTrans, k, n, 1f, b, n, a, 1, beta, c, 1);
        } else {
            openblas.cblas_sgemv(openblas.CblasRowMajor, openblas.CblasNoTrans, n, k, 1f, b, k, a, 1, beta, c, 1);
        }
    }

    private static int trans(Gemm.Op op) {
        return op == Gemm.Op.N ? openblas.CblasNoTrans : openblas.CblasTrans;
    }

    /** Per-thread direct buffers, grown as needed. */
    private static final class Scratch {
        private FloatBuffer a = allocate(1);
        private FloatBuffer b = allocate(1);
        private FloatBuffer c = allocate(1);

        FloatBuffer a(int size) {
            a = fit(a, size);
            return a;
        }

        FloatBuffer b(int size) {
            b = fit(b, size);
            return b;
        }

        FloatBuffer c(int size) {
            c = fit(c, size);
            return c;
        }

        private static FloatBuffer fit(FloatBuffer f, int size) {
            FloatBuffer r = f.capacity() >= size ? f : allocate(Math.max(size, f.capacity() * 2));
            r.clear();
            return r;
        }

        private static FloatBuffer allocate(int size) {
            return ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }
}
