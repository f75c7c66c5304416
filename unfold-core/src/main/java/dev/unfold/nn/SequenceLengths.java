package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Role;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The length of each row's sequence in a padded, time-major batch of T steps: row b fills steps
 * {@code 0 … length(b) − 1} and is padding after them. What the unfolded graph reads of it is one validity
 * leaf per step, {@code v_t} (B, 1), 1 where {@code t < length(b)}.
 */
public final class SequenceLengths {
    private final int steps;
    private final int[] lengths;

    private SequenceLengths(int steps, int[] lengths) {
        this.steps = steps;
        this.lengths = lengths;
    }

    /** Rows of the given lengths, each between 1 and {@code steps}. */
    public static SequenceLengths of(int steps, int... lengths) {
        if (steps <= 0 || lengths.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one step and one row, got " + steps + " steps and " + lengths.length + " rows");
        }
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1 || lengths[b] > steps) {
                throw new IllegalArgumentException("length of row " + b + " must be between 1 and " + steps + ", got " + lengths[b]);
            }
        }
        return new SequenceLengths(steps, lengths.clone());
    }

    /** Every row fills all steps. */
    public static SequenceLengths full(int steps, int batch) {
        int[] all = new int[batch];
        Arrays.fill(all, steps);
        return of(steps, all);
    }

    /** Lengths read from a tensor of shape [B] holding whole numbers (stored as floats or integers). */
    public static SequenceLengths of(Tensor t, int steps, int batch) {
        if (t.shape().rank() != 1 || t.shape().dim(0) != batch) {
            throw new IllegalArgumentException("expected shape [" + batch + "], got " + t.shape());
        }
        int[] out = new int[batch];
        for (int b = 0; b < batch; b++) {
            double v = t.get(b);
            if (v != Math.rint(v) || v < 1 || v > steps) {
                throw new IllegalArgumentException("length of row " + b + " must be a whole number between 1 and " + steps + ", got " + v);
            }
            out[b] = (int) v;
        }
        return new SequenceLengths(steps, out);
    }

    /** One validity input per step, {@code valid[t]} (B, 1), at step t. */
    public static List<Var> leaves(GraphBuilder b, int steps, int batch, DType dtype) {
        int saved = b.step();
        Role savedRole = b.role();
        List<Var> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            out.add(b.at(t).input("valid[" + t + "]", Shape.of(batch, 1), dtype, Role.of(Role.Kind.VALID)));
        }
        b.at(saved).as(savedRole);
        return out;
    }

    public int steps() {
        return steps;
    }

    public int batch() {
        return lengths.length;
    }

    public int length(int row) {
        return lengths[row];
    }

    /** Rows {@code [from, to)}. */
    public SequenceLengths rows(int from, int to) {
        return new SequenceLengths(steps, Arrays.copyOfRange(lengths, from, to));
    }

    /** Whether some row is shorter than the batch. */
    public boolean padded() {
        return Arrays.stream(lengths).anyMatch(l -> l < steps);
    }

    /** Steps that hold a sequence's element, over all rows. */
    public long realSteps() {
        return Arrays.stream(lengths).asLongStream().sum();
    }

    /** The share of the batch's B × T steps that are padding. */
    public double paddedShare() {
        return 1.0 - (double) realSteps() / ((long) steps * lengths.length);
    }

    /** {@code v_t}: (B, 1), 1 for the rows whose sequence reaches step t, else 0. */
    public Tensor valid(int t, DType dtype) {
        return Tensor.generate(dtype, Shape.of(lengths.length, 1), b -> t < lengths[b] ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceLengths s && s.steps == steps && Arrays.equals(s.lengths, lengths);
    }

    @Override
    public int hashCode() {
        return 31 * steps + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        return "SequenceLengths" + Arrays.toString(lengths) + " of " + steps;
    }
}
