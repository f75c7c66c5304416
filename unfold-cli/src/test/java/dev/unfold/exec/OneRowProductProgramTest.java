package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.Graph;
import dev.unfold.kernel.DirectBufferGemm;
import dev.unfold.kernel.Gemm;
import dev.unfold.kernel.OneRowProducts;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With every module on the class path (a GEMM library on direct buffers and the native kernels), a batch of one's
 * programs, whose per-step products go to the one-row product kernel, agree with the interpreter forward and backward.
 */
class OneRowProductProgramTest {
    @ParameterizedTest
    @EnumSource(value = CellType.class, names = {"RNN_TANH", "LSTM", "GRU"})
    void aBatchOfOneAgreesWithTheInterpreter(CellType cell) {
        assertTrue(Gemm.backends().active() instanceof DirectBufferGemm, Gemm.backends().active().name());
        assertTrue(OneRowProducts.inUse().isPresent(), OneRowProducts.found().report().toString());
        Graph g = ProbeGraph.build(new RecurrentSpec(cell, 7, 33, 2, RecurrentSpec.Directions.ONE), 5, 1, DType.F32);
        var feeds = Fixtures.randomFeeds(g, Fixtures.rng());
        for (int run = 0; run < 2; run++) {
            ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", feeds);
        }
    }
}
