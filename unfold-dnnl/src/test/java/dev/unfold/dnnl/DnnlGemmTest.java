package dev.unfold.dnnl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.GemmBackend;
import dev.unfold.testkit.GemmBackendContract;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** oneDNN against the pure-Java kernel, and the compiled executor on it against the interpreter. */
class DnnlGemmTest extends GemmBackendContract {
    @Override
    protected GemmBackend backend() {
        return new DnnlGemm();
    }

    @Test
    void eachCallingThreadRunsItsProductsOnTheThreadsAskedFor() throws InterruptedException {
        DnnlGemm gemm = new DnnlGemm();
        assertTrue(gemm.availability().usable(), gemm.availability().reason());
        gemm.useThreads(1);
        assertTrue(gemm.name().contains("(1 thread per product)"), gemm.name());
        AtomicReference<String> seenByAnother = new AtomicReference<>();
        Thread other = new Thread(() -> {
            float[] c = new float[4];
            gemm.sgemm(Gemm.Op.N, Gemm.Op.N, 2, 2, 2, new float[] {1, 2, 3, 4}, new float[] {5, 6, 7, 8}, c, false);
            seenByAnother.set(gemm.name());
        });
        other.start();
        other.join();
        assertTrue(seenByAnother.get().contains("(1 thread per product)"), seenByAnother.get());
        gemm.useThreads(2);
        assertTrue(gemm.name().contains("(2 threads per product)"), gemm.name());
    }
}
