package dev.unfold.nativecells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.unfold.kernel.RowSoftmax;
import dev.unfold.kernel.SoftmaxKernels;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The native rows' softmax and log-sum-exp are held bit for bit to {@link RowSoftmax}'s Java passes, on every body. */
class NativeSoftmaxRowsTest {
    private static final NativeSoftmaxRows NATIVE = new NativeSoftmaxRows();

    @BeforeAll
    static void built() {
        assumeFalse(Boolean.getBoolean("unfold.native.skip"), "built without the native library (-Dunfold.native.skip=true)");
        assertTrue(NATIVE.availability().usable(), NATIVE.availability().toString());
    }

    @ParameterizedTest(name = "rows {0}, cols {1}, special values {2}")
    @CsvSource({"1,1,false", "1,65,false", "16,65,false", "16,65,true", "3,1000,false", "33,7,true", "64,2,true", "5,16,true", "4,19,true",
            "2,0,false", "0,5,false"})
    void agreesBitForBitWithTheJavaPasses(int rows, int cols, boolean special) {
        Random random = new Random(31L * rows + cols);
        float[] x = new float[rows * cols];
        for (int k = 0; k < x.length; k++) {
            x[k] = special ? sample(random) : (float) (random.nextGaussian() * 10 + (k / Math.max(1, cols) % 3 - 1) * 300);
        }
        float[] expected = new float[x.length];
        double[] expectedLse = new double[rows];
        RowSoftmax.JAVA.softmax(x, expected, rows, cols);
        RowSoftmax.JAVA.logSumExp(x, rows, cols, expectedLse);
        for (int level = -1; level <= SoftmaxRowsLibrary.instructionLevel(); level++) {
            String at = level < 0 ? "" : " (level " + level + ")";
            float[] p = new float[x.length];
            double[] lse = new double[rows];
            if (level < 0) {
                NATIVE.softmax(x, p, rows, cols);
                NATIVE.logSumExp(x, rows, cols, lse);
            } else {
                SoftmaxRowsLibrary.softmaxOn(level, rows, cols, x, p);
                float[] maxes = new float[rows];
                SoftmaxRowsLibrary.maxAndSumOn(level, rows, cols, x, maxes, lse);
                for (int r = 0; r < rows; r++) {
                    lse[r] = maxes[r] + Math.log(lse[r]);
                }
            }
            for (int k = 0; k < x.length; k++) {
                assertEquals(Float.floatToIntBits(expected[k]), Float.floatToIntBits(p[k]), "softmax at " + k + at + ": " + expected[k] + " against " + p[k]);
            }
            for (int r = 0; r < rows; r++) {
                assertEquals(Double.doubleToLongBits(expectedLse[r]), Double.doubleToLongBits(lse[r]),
                        "log-sum-exp of row " + r + at + ": " + expectedLse[r] + " against " + lse[r]);
            }
        }
    }

    @Test
    void theOutputMayBeTheInput() {
        float[] x = new float[3 * 40];
        Random random = new Random(3);
        for (int k = 0; k < x.length; k++) {
            x[k] = (float) random.nextGaussian() * 4;
        }
        float[] apart = new float[x.length];
        NATIVE.softmax(x, apart, 3, 40);
        NATIVE.softmax(x, x, 3, 40);
        for (int k = 0; k < x.length; k++) {
            assertEquals(Float.floatToIntBits(apart[k]), Float.floatToIntBits(x[k]), "at " + k);
        }
    }

    @Test
    void theKernelIsTheOneProgramsRun() {
        assertTrue(SoftmaxKernels.inUse() instanceof NativeSoftmaxRows, String.join("; ", SoftmaxKernels.found().report()));
        assertEquals("native (" + new String[] {"scalar", "avx2", "avx512"}[SoftmaxRowsLibrary.instructionLevel()] + ")", NATIVE.name());
    }

    @Test
    void shortArraysAreRefusedBeforeTheNativeCodeReadsThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NATIVE.softmax(new float[11], new float[12], 3, 4));
        assertTrue(e.getMessage().contains("input holds 11 values, fewer than 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NATIVE.softmax(new float[12], new float[11], 3, 4));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.logSumExp(new float[12], 3, 4, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> NATIVE.logSumExp(new float[12], -3, -4, new double[2]));
    }

    /** Ordinary values, large ones, zeros of both signs, denormals, NaN and both infinities. */
    private static float sample(Random random) {
        return switch (random.nextInt(24)) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> 0f;
            case 4 -> -0f;
            case 5 -> (random.nextBoolean() ? 1 : -1) * (80f + random.nextFloat() * 20f);
            case 6 -> (random.nextBoolean() ? 1 : -1) * Float.MIN_VALUE;
            case 7 -> Float.MAX_VALUE;
            default -> (float) random.nextGaussian() * 30f;
        };
    }
}
