package dev.unfold.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/** The float32 rational sigmoid and tanh stay within their stated error of the exact functions. */
class ActivationsTest {
    @Test
    void sigmoidIsWithinItsBoundEverywhere() {
        double worst = 0;
        for (float x = -40f; x <= 40f; x += 1e-4f) {
            double exact = 1 / (1 + Math.exp(-(double) x));
            worst = Math.max(worst, Math.abs(Activations.sigmoid(x) - exact));
        }
        assertTrue(worst <= 2.5e-7, "worst absolute error " + worst);
    }

    @Test
    void tanhIsWithinItsBoundEverywhere() {
        double worst = 0;
        for (float x = -40f; x <= 40f; x += 1e-4f) {
            worst = Math.max(worst, Math.abs(Activations.tanh(x) - Math.tanh(x)));
        }
        assertTrue(worst <= 4e-7, "worst absolute error " + worst);
    }

    @Test
    void expOfNonPositiveArgumentsIsWithinItsBound() {
        double worst = 0;
        for (float x = -87.3f; x <= 0f; x += 3e-5f) {
            double exact = Math.exp(x);
            worst = Math.max(worst, Math.abs(Activations.expNonPositive(x) - exact) / exact);
        }
        assertTrue(worst <= 2e-7, "worst relative error " + worst);
        assertEquals(1f, Activations.expNonPositive(0f));
        assertEquals(1f, Activations.expNonPositive(-0f));
        assertEquals(0f, Activations.expNonPositive(-88f));
        assertEquals(0f, Activations.expNonPositive(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Activations.expNonPositive(Float.NaN)));
    }

    @Test
    void limitsSymmetryAndNaN() {
        assertEquals(0f, Activations.sigmoid(-1e30f));
        assertEquals(1f, Activations.sigmoid(1e30f));
        assertEquals(0.5f, Activations.sigmoid(0f));
        assertEquals(-1f, Activations.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(1f, Activations.tanh(Float.POSITIVE_INFINITY));
        assertEquals(0f, Activations.tanh(0f));
        for (float x = 0.01f; x < 10; x *= 1.7f) {
            assertEquals(-Activations.tanh(x), Activations.tanh(-x));
            assertTrue(Activations.sigmoid(x) >= 0.5f && Activations.sigmoid(-x) <= 0.5f);
        }
        assertTrue(Float.isNaN(Activations.sigmoid(Float.NaN)), "NaN propagates, so divergence is seen");
        assertTrue(Float.isNaN(Activations.tanh(Float.NaN)));
    }

    /** Below 1 the rationals are far inside their ranges; from 1 to the limits every float is checked, both signs. */
    @Test
    void everyFloatUpToTheLimitsStaysInRangeSoNoSecondClampIsNeeded() {
        for (float x = 1f; x <= Activations.SIGMOID_LIMIT; x = Math.nextUp(x)) {
            float s = Activations.sigmoid(x);
            float n = Activations.sigmoid(-x);
            if (!(s <= 1f && n >= 0f && s >= 0.5f && n <= 0.5f)) {
                fail("sigmoid(±" + x + ") = " + s + ", " + n);
            }
        }
        for (float x = 1f; x <= Activations.TANH_LIMIT; x = Math.nextUp(x)) {
            float t = Activations.tanh(x);
            if (!(t <= 1f && t > 0f && Activations.tanh(-x) == -t)) {
                fail("tanh(" + x + ") = " + t);
            }
        }
        assertEquals(1f, Activations.sigmoid(Activations.SIGMOID_LIMIT));
        assertEquals(0f, Activations.sigmoid(-Activations.SIGMOID_LIMIT));
        assertEquals(1f, Activations.tanh(Activations.TANH_LIMIT));
        assertEquals(-1f, Activations.tanh(-Activations.TANH_LIMIT));
    }

    @Test
    void arrayLoopsMatchTheScalarForms() {
        float[] x = new float[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 500) * 0.037f;
        }
        float[] s = new float[x.length];
        float[] t = new float[x.length];
        Activations.sigmoid(x, s, x.length);
        Activations.tanh(x, t, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Activations.sigmoid(x[i]), s[i]);
            assertEquals(Activations.tanh(x[i]), t[i]);
        }
    }
}
