package dev.unfold.blas;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.GemmBackend;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * {@code cblas_sgemm} from OpenBLAS. OpenBLAS picks its own thread count (all cores, or
 * {@code OPENBLAS_NUM_THREADS}, read when the library loads).
 */
public final class OpenBlasGemm implements GemmBackend {
    private static final float[] A = {1, 2, 3, 4};
    private static final float[] B = {5, 6, 7, 8};
    private static final float[] AB = {19, 22, 43, 50};

    @Override
    public String name() {
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        return "openblas " + openblas.OPENBLAS_VERSION.trim().replace("OpenBLAS ", "") + " ("
                + (threads == null ? Runtime.getRuntime().availableProcessors() + " threads" : threads + " thread(s), OPENBLAS_NUM_THREADS") + ")";
    }

    @Override
    public Availability availability() {
        try {
            Loader.load(openblas.class);
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
        int lda = opA == Gemm.Op.N ? k : m;
        int ldb = opB == Gemm.Op.N ? n : k;
        openblas.cblas_sgemm(openblas.CblasRowMajor, trans(opA), trans(opB), m, n, k, 1f, a, lda, b, ldb, accumulate ? 1f : 0f, c, n);
    }

    private static int trans(Gemm.Op op) {
        return op == Gemm.Op.N ? openblas.CblasNoTrans : openblas.CblasTrans;
    }
}
