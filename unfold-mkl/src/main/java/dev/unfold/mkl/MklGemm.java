package dev.unfold.mkl;

import dev.unfold.kernel.DirectBufferGemm;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.mkl.global.mkl_rt;

/**
 * {@code cblas_sgemm} and {@code cblas_sgemv} from Intel MKL on direct buffers (see {@link DirectBufferGemm}).
 * Preferred over OpenBLAS when present: at the small row counts of per-step recurrent products it is about
 * 1.4x faster on the project's machine (docs/PERFORMANCE.md).
 */
public final class MklGemm extends DirectBufferGemm {
    @Override
    public String name() {
        int threads = mkl_rt.MKL_Get_Max_Threads();
        return "mkl " + mkl_rt.__INTEL_MKL__ + "." + mkl_rt.__INTEL_MKL_UPDATE__ + " (" + threads + (threads == 1 ? " thread" : " threads")
                + " per product)";
    }

    @Override
    public int preference() {
        return 2;
    }

    @Override
    public void useThreads(int threads) {
        mkl_rt.MKL_Set_Num_Threads(threads);
    }

    @Override
    protected void load() {
        Loader.load(mkl_rt.class);
    }

    @Override
    protected void cblasSgemm(boolean transA, boolean transB, int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta,
            FloatBuffer c, int ldc) {
        mkl_rt.cblas_sgemm(mkl_rt.CblasRowMajor, trans(transA), trans(transB), m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    protected void cblasSgemv(boolean trans, int rows, int cols, FloatBuffer matrix, int ld, FloatBuffer x, float beta, FloatBuffer y) {
        mkl_rt.cblas_sgemv(mkl_rt.CblasRowMajor, trans(trans), rows, cols, 1f, matrix, ld, x, 1, beta, y, 1);
    }

    private static int trans(boolean t) {
        return t ? mkl_rt.CblasTrans : mkl_rt.CblasNoTrans;
    }
}
