package dev.unfold.nn;

import dev.unfold.op.Var;

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
}
