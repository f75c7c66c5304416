package dev.unfold.blas;

import dev.unfold.kernel.GemmBackend;
import dev.unfold.testkit.GemmBackendContract;

/** OpenBLAS against the pure-Java kernel, and the compiled executor on it against the interpreter. */
class OpenBlasGemmTest extends GemmBackendContract {
    @Override
    protected GemmBackend backend() {
        return new OpenBlasGemm();
    }
}
