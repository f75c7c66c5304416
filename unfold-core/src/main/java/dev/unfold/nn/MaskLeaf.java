package dev.unfold.nn;

import dev.unfold.op.Var;
import dev.unfold.tensor.Rng;

/**
 * A mask input of a training graph: its leaf, what it masks with, and the probability. A dropout mask holds
 * {@code 1 / (1 − p)} where a unit is kept and 0 where it is dropped; a zoneout mask holds 1 where a unit
 * keeps its previous value (with probability p) and 0 where it takes the new one.
 */
public record MaskLeaf(Var node, Kind kind, double rate) {
    /** How a mask is drawn. */
    public enum Kind { DROPOUT, ZONEOUT }

    /** The value of one element, from a uniform draw u in [0, 1). */
    public double value(double u) {
        return kind == Kind.DROPOUT ? (u >= rate ? 1 / (1 - rate) : 0) : (u < rate ? 1 : 0);
    }

    /**
     * The mask's elements, {@code n} of them, two per 64-bit draw of {@code rng}: each half is a uniform
     * draw u = bits / 2³², given to {@link #value}.
     */
    public double[] draw(int n, Rng rng) {
        double[] out = new double[n];
        double on = kind == Kind.DROPOUT ? 1 / (1 - rate) : 0;
        double off = kind == Kind.DROPOUT ? 0 : 1;
        long threshold = (long) Math.ceil(rate * 0x1p32);
        for (int i = 0; i < n; i += 2) {
            long r = rng.nextLong();
            out[i] = pick(r >>> 32, threshold, on, off);
            if (i + 1 < n) {
                out[i + 1] = pick(r & 0xFFFF_FFFFL, threshold, on, off);
            }
        }
        return out;
    }

    /** {@code on} when u is at or above p (dropout keeps, zoneout takes the new value), else {@code off}: {@link #value}'s two cases. */
    private static double pick(long bits, long threshold, double on, double off) {
        return bits >= threshold ? on : off;
    }
}
