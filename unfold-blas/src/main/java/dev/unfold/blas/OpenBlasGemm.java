package dev.unfold.blas;

import dev.unfold.kernel.DirectBufferGemm;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

/**
 * {@code cblas_sgemm} and {@code cblas_sgemv} from OpenBLAS on direct buffers (see {@link DirectBufferGemm}).
 * OpenBLAS picks its own thread count (all cores, or {@code OPENBLAS_NUM_THREADS}) until told otherwise.
 */
public final class OpenBlasGemm extends DirectBufferGemm {
    @Override
    public String name() {
        int threads = openblas_full.openblas_get_num_threads();
        return "openblas " + openblas.OPENBLAS_VERSION.trim().replace("OpenBLAS ", "") + ", " + openblas_full.openblas_get_corename().getString()
                + " kernels (" + threads + (threads == 1 ? " thread" : " threads")
                + " per product)";
    }

    @Override
    public int preference() {
        return 1;
    }

    /** OpenBLAS's thread count is process-wide; products already running keep theirs. */
    @Override
    public void useThreads(int threads) {
        openblas_full.openblas_set_num_threads(threads);
    }

    @Override
    protected void load() {
        Loader.load(openblas.class);
        Loader.load(openblas_full.class);
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
