package dev.unfold.nativecells;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.unfold.kernel.LstmGateKernels;
import dev.unfold.testkit.JavaLstmGates;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The native gates are held bit for bit to the Java reference, the graph's own element-wise ops. */
class NativeLstmGatesTest {
    private static final NativeLstmGates NATIVE = new NativeLstmGates();

    @BeforeAll
    static void built() {
        assumeFalse(Boolean.getBoolean("unfold.native.skip"), "built without the native library (-Dunfold.native.skip=true)");
        assertTrue(NATIVE.availability().usable(), NATIVE.availability().toString());
    }

    @ParameterizedTest(name = "rows {0}, hidden {1}")
    @CsvSource({"1,1", "3,7", "16,256", "5,33", "2,100", "4,512"})
    void agreesBitForBitWithTheJavaReference(int rows, int hidden) {
        Random random = new Random(31L * rows + hidden);
        float[] z = new float[4 * rows * hidden];
        float[] c = new float[rows * hidden];
        for (int k = 0; k < z.length; k++) {
            z[k] = sample(random);
        }
        for (int k = 0; k < c.length; k++) {
            c[k] = sample(random);
        }
        for (int level = -1; level <= LstmGatesLibrary.instructionLevel(); level++) {
            assertSame(level, rows, hidden, z, c, true, true);
            assertSame(level, rows, hidden, z, c, false, false);
            assertSame(level, rows, hidden, z, c, true, false);
        }
    }

    @ParameterizedTest(name = "rows {0}, hidden {1}")
    @CsvSource({"1,1", "3,7", "16,256", "5,33", "4,512"})
    void aStepOfASumAgreesBitForBitWithTheJavaReference(int rows, int hidden) {
        Random random = new Random(17L * rows + hidden);
        int tableRows = rows + 3;
        Sum sum = new Sum(samples(random, 4 * tableRows * hidden), null, samples(random, 4 * hidden), samples(random, 4 * rows * hidden),
                samples(random, 4 * hidden), samples(random, rows * hidden));
        int[] picked = random.ints(rows, 0, tableRows).toArray();
        for (Sum s : new Sum[] {sum, sum.withoutABias(), sum.picking(picked), sum.withoutABias().picking(picked)}) {
            for (int level = -1; level <= LstmGatesLibrary.instructionLevel(); level++) {
                assertSumSame(level, rows, hidden, s, true);
                assertSumSame(level, rows, hidden, s, false);
            }
        }
    }

    /** The operands of z = (a + aBias) + (y + yBias), a's rows picked by aRows unless null, and c. */
    private record Sum(float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c) {
        Sum withoutABias() {
            return new Sum(a, aRows, null, y, yBias, c);
        }

        Sum picking(int[] rows) {
            return new Sum(a, rows, aBias, y, yBias, c);
        }

        String describe() {
            return (aBias == null ? "z = a + (y + b)" : "z = (a + b) + (y + b)") + (aRows == null ? "" : ", rows of a picked");
        }
    }

    private static void assertSumSame(int level, int rows, int hidden, Sum s, boolean gates) {
        Outputs expected = new Outputs(rows * hidden, gates, gates);
        Outputs actual = new Outputs(rows * hidden, gates, gates);
        new JavaLstmGates().stepOfSum(rows, hidden, s.a(), s.aRows(), s.aBias(), s.y(), s.yBias(), s.c(), expected.i, expected.f, expected.g,
                expected.o, expected.c, expected.tanh, expected.h);
        if (level < 0) {
            NATIVE.stepOfSum(rows, hidden, s.a(), s.aRows(), s.aBias(), s.y(), s.yBias(), s.c(), actual.i, actual.f, actual.g, actual.o,
                    actual.c, actual.tanh, actual.h);
        } else {
            LstmGatesLibrary.lstmGatesOfSumOn(level, rows, hidden, s.a(), s.aRows(), s.aBias(), s.y(), s.yBias(), s.c(), actual.i, actual.f,
                    actual.g, actual.o, actual.c, actual.tanh, actual.h);
        }
        String at = " (level " + level + ", " + s.describe() + ")";
        assertStep(expected, actual, gates, gates, at);
    }

    @ParameterizedTest(name = "rows {0}, hidden {1}")
    @CsvSource({"1,1", "3,7", "16,256", "5,33", "4,512"})
    void theBackwardAgreesBitForBitWithTheJavaReference(int rows, int hidden) {
        Random random = new Random(13L * rows + hidden);
        int cells = rows * hidden;
        float[][] in = new float[10][];
        for (int k = 0; k < in.length; k++) {
            in[k] = samples(random, cells);
        }
        for (int form = 0; form < 8; form++) {
            float[] dhB = (form & 1) != 0 ? in[1] : null;
            float[] next = (form & 2) != 0 ? in[2] : null;
            boolean prev = (form & 4) != 0;
            for (int level = -1; level <= LstmGatesLibrary.instructionLevel(); level++) {
                float[] expectedDz = new float[4 * cells];
                float[] actualDz = new float[4 * cells];
                float[] expectedPrev = prev ? new float[cells] : null;
                float[] actualPrev = prev ? new float[cells] : null;
                new JavaLstmGates().backward(rows, hidden, in[0], dhB, next, in[3], in[4], in[5], in[6], in[7], in[8], expectedDz, expectedPrev, in[9]);
                if (level < 0) {
                    NATIVE.backward(rows, hidden, in[0], dhB, next, in[3], in[4], in[5], in[6], in[7], in[8], actualDz, actualPrev, prev ? in[9] : null);
                } else {
                    LstmGatesLibrary.lstmGatesBackwardOn(level, rows, hidden, in[0], dhB, next, in[3], in[4], in[5], in[6], in[7], in[8], actualDz,
                            actualPrev, prev ? in[9] : null);
                }
                String at = " (level " + level + ", dh of " + (dhB == null ? "one term" : "two") + (next == null ? "" : ", dc' from after")
                        + (prev ? ", dc written" : "") + ")";
                assertBits(expectedDz, actualDz, "dz" + at);
                if (prev) {
                    assertBits(expectedPrev, actualPrev, "dc" + at);
                }
            }
        }
    }

    @Test
    void shortOperandsOfTheBackwardAreRefused() {
        float[] cells = new float[6];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NATIVE.backward(2, 3, cells, null, null, cells, cells, cells, cells, cells, cells, new float[23], null, null));
        assertTrue(e.getMessage().contains("dz holds 23 floats, fewer than 24"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.backward(2, 3, cells, new float[5], null, cells, cells, cells, cells, cells, cells, new float[24], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.backward(2, 3, cells, null, null, null, cells, cells, cells, cells, cells, new float[24], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.backward(2, 3, cells, null, null, cells, cells, cells, cells, cells, cells, new float[24], cells, null));
    }

    @Test
    void shortOperandsOfASumAreRefused() {
        float[] cells = new float[6];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, new float[24], null, null, new float[24], new float[11], cells, null, null, null, null, cells, null, cells));
        assertTrue(e.getMessage().contains("yBias holds 11 floats, fewer than 12"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, new float[24], null, new float[11], new float[24], new float[12], cells, null, null, null, null, cells, null, cells));
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, new float[23], null, null, new float[24], new float[12], cells, null, null, null, null, cells, null, cells));
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, new float[24], null, null, new float[23], new float[12], cells, null, null, null, null, cells, null, cells));
    }

    @Test
    void rowsPickedOutsideTheTableAreRefused() {
        float[] cells = new float[6];
        float[] table = new float[3 * 12];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, table, new int[] {0, 3}, null, new float[24], new float[12], cells, null, null, null, null, cells, null, cells));
        assertTrue(e.getMessage().contains("row 3 of a is not in [0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, table, new int[] {-1, 0}, null, new float[24], new float[12], cells, null, null, null, null, cells, null, cells));
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.stepOfSum(2, 3, table, new int[] {0}, null, new float[24], new float[12], cells, null, null, null, null, cells, null, cells));
    }

    private static float[] samples(Random random, int n) {
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = sample(random);
        }
        return x;
    }

    @Test
    void everyBodyThisProcessorHasIsHeldToTheReference() {
        int level = LstmGatesLibrary.instructionLevel();
        assertEquals(NATIVE.name(), "native (" + new String[] {"scalar", "avx2", "avx512"}[level] + ")");
    }

    @Test
    void theKernelIsTheOneProgramsFind() {
        assertTrue(LstmGateKernels.found().active().map(k -> k.name().startsWith("native")).orElse(false),
                String.join("; ", LstmGateKernels.found().report()));
        assertTrue(NATIVE.name().matches("native \\((avx512|avx2|scalar)\\)"), NATIVE.name());
    }

    @Test
    void shortArraysAreRefusedBeforeTheNativeCodeReadsThem() {
        float[] cells = new float[6];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NATIVE.step(2, 3, new float[23], cells, null, null, null, null, cells, null, cells));
        assertTrue(e.getMessage().contains("z holds 23 floats, fewer than 24"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NATIVE.step(2, 3, new float[24], cells, cells, null, null, null, cells, null, cells));
    }

    /** Ordinary values, the activations' clamp limits and beyond, zeros, NaN and both infinities. */
    private static float sample(Random random) {
        int kind = random.nextInt(20);
        return switch (kind) {
            case 0 -> Float.NaN;
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> Float.NEGATIVE_INFINITY;
            case 3 -> 0f;
            case 4 -> -0f;
            case 5 -> (random.nextBoolean() ? 1 : -1) * (8f + random.nextFloat() * 10f);
            case 6 -> (random.nextBoolean() ? 1 : -1) * Float.MIN_VALUE;
            default -> (float) random.nextGaussian() * 3f;
        };
    }

    /** Level -1: the kernel as programs call it; 0 to 2: the scalar, AVX2 or AVX-512 body itself. */
    private static void assertSame(int level, int rows, int hidden, float[] z, float[] c, boolean gates, boolean tanh) {
        Outputs expected = new Outputs(rows * hidden, gates, tanh);
        Outputs actual = new Outputs(rows * hidden, gates, tanh);
        JavaLstmGates reference = new JavaLstmGates();
        reference.step(rows, hidden, z, c, expected.i, expected.f, expected.g, expected.o, expected.c, expected.tanh, expected.h);
        if (level < 0) {
            NATIVE.step(rows, hidden, z, c, actual.i, actual.f, actual.g, actual.o, actual.c, actual.tanh, actual.h);
        } else {
            LstmGatesLibrary.lstmGatesOn(level, rows, hidden, z, c, actual.i, actual.f, actual.g, actual.o, actual.c, actual.tanh, actual.h);
        }
        assertEquals(1, reference.calls());
        String at = level < 0 ? "" : " (level " + level + ")";
        assertStep(expected, actual, gates, tanh, at);
    }

    /** c′ and h, and the gates and tanh c′ where the step wrote them, the same bits as the reference's. */
    private static void assertStep(Outputs expected, Outputs actual, boolean gates, boolean tanh, String at) {
        assertBits(expected.c, actual.c, "c'" + at);
        assertBits(expected.h, actual.h, "h" + at);
        if (gates) {
            assertBits(expected.i, actual.i, "i" + at);
            assertBits(expected.f, actual.f, "f" + at);
            assertBits(expected.g, actual.g, "g" + at);
            assertBits(expected.o, actual.o, "o" + at);
        }
        if (tanh) {
            assertBits(expected.tanh, actual.tanh, "tanh c'" + at);
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int k = 0; k < expected.length; k++) {
            boolean same = Float.floatToIntBits(expected[k]) == Float.floatToIntBits(actual[k]);
            if (!same) {
                assertArrayEquals(new float[] {expected[k]}, new float[] {actual[k]}, what + " at " + k);
            }
        }
    }

    private static final class Outputs {
        final float[] i, f, g, o, tanh, c, h;

        Outputs(int cells, boolean gates, boolean withTanh) {
            i = gates ? new float[cells] : null;
            f = gates ? new float[cells] : null;
            g = gates ? new float[cells] : null;
            o = gates ? new float[cells] : null;
            tanh = withTanh ? new float[cells] : null;
            c = new float[cells];
            h = new float[cells];
        }
    }
}
