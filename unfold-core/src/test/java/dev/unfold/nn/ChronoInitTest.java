package dev.unfold.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import org.junit.jupiter.api.Test;

/** Chrono initialisation sets an LSTM's input and forget gate biases to ∓log u, u in [1, T_max − 1], and leaves everything else alone. */
class ChronoInitTest {
    @Test
    void lstmGateBiasesSpanTheTimeScalesAndNothingElseChanges() {
        SequenceModel m = SequenceModel.builder().tokens(5).embedding(3).cell(CellType.LSTM).hidden(50).layers(2).classes(5).build();
        Weights base = Weights.initial(m.parameters(), InitScheme.CHRONO, 3, DType.F64);
        Weights w = InitScheme.chrono(base, 200, new Rng(1));
        for (Parameter p : m.parameters()) {
            if (!p.name().startsWith("bias_")) {
                assertArrayEquals(base.get(p).toDoubleArray(), w.get(p).toDoubleArray(), p.name() + " unchanged");
            }
        }
        for (int l = 0; l < 2; l++) {
            double[] ih = w.get(m.parameter("bias_ih_l" + l)).toDoubleArray();
            double[] hh = w.get(m.parameter("bias_hh_l" + l)).toDoubleArray();
            double max = 0;
            for (int j = 0; j < 50; j++) {
                double f = ih[50 + j];
                assertTrue(f >= 0 && f <= Math.log(199) + 1e-12, "forget bias log u in [0, log 199]: " + f);
                assertEquals(-f, ih[j], 0, "input bias −log u");
                assertEquals(0, hh[j], 0);
                assertEquals(0, hh[50 + j], 0);
                max = Math.max(max, f);
            }
            assertTrue(max > Math.log(100), "the long time scales are drawn: " + max);
            double[] before = base.get(m.parameter("bias_ih_l" + l)).toDoubleArray();
            for (int j = 100; j < 200; j++) {
                assertEquals(before[j], ih[j], 0, "the cell and output gate biases are kept");
            }
        }
    }

    @Test
    void otherCellsAreLeftAlone() {
        SequenceModel m = SequenceModel.builder().tokens(5).cell(CellType.GRU).hidden(6).classes(5).build();
        Weights base = Weights.initial(m.parameters(), InitScheme.CHRONO, 3, DType.F32);
        Weights w = InitScheme.chrono(base, 100, new Rng(1));
        for (Parameter p : m.parameters()) {
            assertArrayEquals(base.get(p).toDoubleArray(), w.get(p).toDoubleArray(), p.name());
        }
    }
}
