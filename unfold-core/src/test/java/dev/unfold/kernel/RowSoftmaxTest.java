package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The block softmax and log-sum-exp against the same sums in double with {@code Math.exp}; rows 300 apart, so each needs its own maximum. */
class RowSoftmaxTest {
    @Test
    void softmaxAndLogSumExpMatchDoubleMathOnBlocksOfEveryShape() {
        Random random = new Random(7);
        for (int[] shape : new int[][] {{1, 1}, {1, 65}, {16, 65}, {3, 1000}, {33, 7}, {64, 2}}) {
            int rows = shape[0];
            int cols = shape[1];
            float[] x = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 10 + (i / cols % 3 - 1) * 300);
            }
            float[] p = new float[x.length];
            double[] lse = new double[rows];
            RowSoftmax.softmax(x, p, rows, cols);
            RowSoftmax.logSumExp(x, rows, cols, lse);
            for (int r = 0; r < rows; r++) {
                double exact = exactLogSumExp(x, r * cols, cols);
                assertEquals(exact, lse[r], 1e-6 * Math.max(1, Math.abs(exact)), "log-sum-exp of row " + r + " of " + rows + "x" + cols);
                for (int c = 0; c < cols; c++) {
                    assertEquals(Math.exp(x[r * cols + c] - exact), p[r * cols + c], 1e-6, "softmax at " + r + ", " + c);
                }
            }
        }
    }

    @Test
    void farBelowTheMaximumIsZeroInfinitiesAndNaNBehave() {
        float nan = Float.NaN;
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {0f, -200f, -87f, -1e30f, Float.NEGATIVE_INFINITY, 1f, nan, 2f, 3f, -inf};
        float[] p = new float[x.length];
        RowSoftmax.softmax(x, p, 2, 5);
        assertEquals(0f, p[1]);
        assertEquals(0f, p[3]);
        assertEquals(0f, p[4]);
        assertEquals(Math.exp(-87) / (1 + Math.exp(-87)), p[2], 1e-44);
        assertEquals(1 / (1 + Math.exp(-87)), p[0], 1e-7);
        for (int c = 5; c < 10; c++) {
            assertTrue(Float.isNaN(p[c]), "a row holding NaN is NaN throughout");
        }
        double[] lse = new double[2];
        RowSoftmax.logSumExp(x, 2, 5, lse);
        assertEquals(Math.log(1 + Math.exp(-87)), lse[0], 1e-12);
        assertTrue(Double.isNaN(lse[1]));
    }

    @Test
    void theOutputMayBeTheInput() {
        float[] x = {1f, 2f, 3f, -1f, 0f, 1f};
        float[] apart = new float[x.length];
        RowSoftmax.softmax(x, apart, 2, 3);
        RowSoftmax.softmax(x, x, 2, 3);
        for (int i = 0; i < x.length; i++) {
            assertEquals(apart[i], x[i]);
        }
    }

    private static double exactLogSumExp(float[] x, int base, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, x[base + c]);
        }
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += Math.exp(x[base + c] - max);
        }
        return max + Math.log(sum);
    }
}
