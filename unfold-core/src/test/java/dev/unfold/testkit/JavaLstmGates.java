package dev.unfold.testkit;

import dev.unfold.kernel.Activations;
import dev.unfold.kernel.GemmBackend;
import dev.unfold.kernel.LstmGates;

/** {@link LstmGates} in plain Java, element by element as the graph's ops compute it: what every kernel is held to. */
public final class JavaLstmGates implements LstmGates {
    private int calls;
    private int summed;
    private int picked;
    private int backwards;

    @Override
    public String name() {
        return "java reference";
    }

    @Override
    public GemmBackend.Availability availability() {
        return GemmBackend.Availability.yes();
    }

    /** How many steps it has run. */
    public int calls() {
        return calls;
    }

    @Override
    public void step(int rows, int hidden, float[] z, float[] c, float[] i, float[] f, float[] g, float[] o, float[] cNext, float[] tanhC,
            float[] hNext) {
        calls++;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < hidden; j++) {
                int zr = r * 4 * hidden + j;
                int at = r * hidden + j;
                float ij = Activations.sigmoid(z[zr]);
                float fj = Activations.sigmoid(z[zr + hidden]);
                float gj = Activations.tanh(z[zr + 2 * hidden]);
                float oj = Activations.sigmoid(z[zr + 3 * hidden]);
                float cj = fj * c[at] + ij * gj;
                float tj = Activations.tanh(cj);
                if (i != null) {
                    i[at] = ij;
                    f[at] = fj;
                    g[at] = gj;
                    o[at] = oj;
                }
                cNext[at] = cj;
                if (tanhC != null) {
                    tanhC[at] = tj;
                }
                hNext[at] = oj * tj;
            }
        }
    }

    /** z made first, element by element as {@code BiasedSums} adds, then {@link #step}. */
    @Override
    public void stepOfSum(int rows, int hidden, float[] a, int[] aRows, float[] aBias, float[] y, float[] yBias, float[] c, float[] i, float[] f, float[] g,
            float[] o, float[] cNext, float[] tanhC, float[] hNext) {
        int width = 4 * hidden;
        float[] z = new float[rows * width];
        for (int k = 0; k < z.length; k++) {
            int at = aRows == null ? k : aRows[k / width] * width + k % width;
            float x = aBias == null ? a[at] : a[at] + aBias[k % width];
            z[k] = x + (y[k] + yBias[k % width]);
        }
        step(rows, hidden, z, c, i, f, g, o, cNext, tanhC, hNext);
        summed++;
        if (aRows != null) {
            picked++;
        }
    }

    /** How many of its steps were given z as a sum whose first operand's rows were picked from a table. */
    public int picked() {
        return picked;
    }

    /** How many of its steps were given z as a sum. */
    public int summed() {
        return summed;
    }

    /** Element by element, each value the same float operation on the same operands as the graph's op that makes it. */
    @Override
    public void backward(int rows, int hidden, float[] dhA, float[] dhB, float[] next, float[] i, float[] f, float[] g, float[] o, float[] tanhC,
            float[] c, float[] dz, float[] prev, float[] prevFactor) {
        backwards++;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < hidden; j++) {
                int e = r * hidden + j;
                int z = r * 4 * hidden + j;
                float dh = dhB == null ? dhA[e] : dhA[e] + dhB[e];
                float t = tanhC[e];
                float fromH = (dh * o[e]) * (1f - t * t);
                float dc = next == null ? fromH : next[e] + fromH;
                dz[z] = (dc * g[e]) * (i[e] * (1f - i[e]));
                dz[z + hidden] = (dc * c[e]) * (f[e] * (1f - f[e]));
                dz[z + 2 * hidden] = (dc * i[e]) * (1f - g[e] * g[e]);
                dz[z + 3 * hidden] = (dh * t) * (o[e] * (1f - o[e]));
                if (prev != null) {
                    prev[e] = dc * prevFactor[e];
                }
            }
        }
    }

    /** How many backward steps it has run. */
    public int backwards() {
        return backwards;
    }
}
