package dev.unfold.blas;

import dev.unfold.kernel.DirectBufferGemm;
import dev.unfold.kernel.Gemm;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * {@code cblas_sgemm} and {@code cblas_sgemv} from OpenBLAS on direct buffers (see {@link DirectBufferGemm}).
 * OpenBLAS picks its own thread count (all cores, or {@code OPENBLAS_NUM_THREADS}) until told otherwise.
 */
public final class OpenBlasGemm extends DirectBufferGemm {
    private volatile int ownThreads;
    private volatile int current;

    @Override
    public String name() {
        applyThreads(Gemm.callerThreads());
        int threads = openblas_full.openblas_get_num_threads();
        return "openblas " + openblas.OPENBLAS_VERSION.trim().replace("OpenBLAS ", "") + ", " + openblas_full.openblas_get_corename().getString()
                + " kernels (" + threads + (threads == 1 ? " thread" : " threads")
                + " per product)";
    }

    @Override
    public int preference() {
        return 1;
    }

    /**
     * OpenBLAS's thread count is process-wide, so it is set before a product whenever the caller wants
     * another count than the one last set; products already running keep theirs.
     */
    @Override
    protected void applyThreads(int threads) {
        int want = threads > 0 ? threads : ownThreads;
        if (want != current) {
            openblas_full.openblas_set_num_threads(want);
            current = want;
        }
    }

    @Override
    protected void load() {
        Loader.load(openblas.class);
        Loader.load(openblas_full.class);
        if (ownThreads == 0) {
            ownThreads = openblas_full.openblas_get_num_threads();
            current = ownThreads;
        }
    }

    @Override
    protected void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta,
            FloatBuffer c, int ldc) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, trans(transA), trans(transB), m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    protected void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y) {
        openblas.cblas_sgemv(openblas.CblasRowMajor, trans(trans), rows, cols, 1f, matrix, ld, x, 1, beta, y, 1);
    }

    private static int trans(boolean t) {
        return t ? openblas.CblasTrans : openblas.CblasNoTrans;
    }
}
