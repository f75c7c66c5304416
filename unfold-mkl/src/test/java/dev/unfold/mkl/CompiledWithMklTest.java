package dev.unfold.mkl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.CompiledExecutor;
import dev.unfold.graph.Graph;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.CellType;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.testkit.ExecutorEquivalence;
import dev.unfold.testkit.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** With MKL active (preferred over OpenBLAS), the compiled executor still equals the reference interpreter. */
class CompiledWithMklTest {
    @ParameterizedTest(name = "{0} layers={1} bidirectional={2}")
    @CsvSource({"LSTM,2,false", "GRU,1,true", "RNN_TANH,2,true", "JORDAN,1,false", "RNN_RELU,1,false"})
    void agreesWithTheInterpreter(CellType cell, int layers, boolean bidirectional) {
        assertTrue(Gemm.backends().active().name().startsWith("mkl"), Gemm.backends().report().toString());
        RecurrentSpec spec = new RecurrentSpec(cell, 5, 16, layers, bidirectional ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE);
        Graph g = ProbeGraph.build(spec, 12, 4, DType.F32);
        ExecutorEquivalence.assertAgrees(new CompiledExecutor(), g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }
}
