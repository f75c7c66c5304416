package dev.unfold.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import org.junit.jupiter.api.Test;

class MaskLeafTest {
    private static MaskLeaf leaf(MaskLeaf.Kind kind, double p) {
        return new MaskLeaf(new GraphBuilder().input("m", Shape.of(1), DType.F32), kind, p);
    }

    @Test
    void dropoutKeepsAShareOfOneMinusPScaledByItsInverse() {
        int n = 200_001;
        double[] m = leaf(MaskLeaf.Kind.DROPOUT, 0.3).draw(n, new Rng(5));
        int kept = 0;
        for (double v : m) {
            assertTrue(v == 0 || v == 1 / 0.7, "0 or 1/(1-p): " + v);
            kept += v > 0 ? 1 : 0;
        }
        assertEquals(0.7, kept / (double) n, 0.005);
        double mean = java.util.Arrays.stream(m).average().orElseThrow();
        assertEquals(1, mean, 0.01, "inverted scaling: the mean is 1");
    }

    @Test
    void zoneoutKeepsTheOldValueWithProbabilityP() {
        int n = 100_000;
        double[] m = leaf(MaskLeaf.Kind.ZONEOUT, 0.15).draw(n, new Rng(6));
        assertEquals(0.15, java.util.Arrays.stream(m).average().orElseThrow(), 0.005);
        assertTrue(java.util.Arrays.stream(m).allMatch(v -> v == 0 || v == 1));
    }

    @Test
    void noRateMeansNothingDroppedAndTheSameSeedTheSameMask() {
        double[] ones = new double[7];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, leaf(MaskLeaf.Kind.DROPOUT, 0).draw(7, new Rng(1)));
        assertArrayEquals(new double[7], leaf(MaskLeaf.Kind.ZONEOUT, 0).draw(7, new Rng(1)));
        assertArrayEquals(leaf(MaskLeaf.Kind.DROPOUT, 0.5).draw(9, new Rng(2)), leaf(MaskLeaf.Kind.DROPOUT, 0.5).draw(9, new Rng(2)));
    }
}
