package dev.unfold.mkl;

import dev.unfold.kernel.GemmBackend;
import dev.unfold.testkit.GemmBackendContract;

/** MKL against the pure-Java kernel, and the compiled executor on it against the interpreter. */
class MklGemmTest extends GemmBackendContract {
    @Override
    protected GemmBackend backend() {
        return new MklGemm();
    }
}
