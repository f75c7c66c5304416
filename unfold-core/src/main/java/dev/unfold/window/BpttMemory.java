package dev.unfold.window;

import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.StateSpec;
import java.util.Locale;

/**
 * A memory budget for BPTT: the bytes a training window may hold in activations and stored states (the
 * parameters, the optimizer and the data come on top), and the plan that keeps within it. Full BPTT holds every
 * step's activations: {@code L·a} for a window of L steps and a = {@link #stepBytes}. Memory-bounded BPTT holds one
 * unit of k steps' activations and m states of s = {@link #stateBytes} bytes, {@code k·a + m·s}, and recomputes
 * what it did not keep; the plan is the (k, m) within the budget that recomputes least ({@link Policy#OPTIMAL}), or
 * Chen et al. (2016)'s units of √L steps with every unit's first state kept ({@link Policy#SQRT}).
 */
public final class BpttMemory {
    /** Units a window is cut into at most: the splits are found in time quadratic in it. */
    static final int MAX_UNITS = 4096;

    private BpttMemory() {
    }

    /** How the budget is spent. */
    public enum Policy { OPTIMAL, SQRT }

    /**
     * A window's plan: units of {@code unitSteps} steps with {@code slots} stored states, or full BPTT (a unit as long
     * as the window); {@code bytes} what it holds, {@code fullBytes} what full BPTT would, {@code forwardSteps} the
     * forward steps it runs (the window's own included).
     */
    public record Plan(int unitSteps, int slots, long bytes, long fullBytes, long forwardSteps, int windowSteps) {
        /** Whether the plan is full BPTT. */
        public boolean full() {
            return unitSteps >= windowSteps;
        }

        /** Forward steps per step of the window: 1 for full BPTT. */
        public double recomputation() {
            return (double) forwardSteps / windowSteps;
        }

        @Override
        public String toString() {
            if (full()) {
                return String.format(Locale.ROOT, "it holds full BPTT over %d steps (%s), which runs", windowSteps, size(fullBytes));
            }
            return String.format(Locale.ROOT, "units of %d steps, %d stored states: %s of full BPTT's %s, %.2f forward steps per step", unitSteps, slots,
                    size(bytes), size(fullBytes), recomputation());
        }
    }

    /** Bytes of one step's activations over a batch of {@code batch} rows in {@code shards} shards, training in float32. */
    public static long stepBytes(SequenceModelSpec spec, int batch, int shards) {
        MemoryEstimate one = MemoryEstimate.training(spec, batch, 1, shards);
        return one.activationBytes() + MemoryEstimate.NODE_BYTES * MemoryEstimate.nodes(spec.rnn(), 1, true) * Math.min(shards, batch);
    }

    /** Bytes of one stored state: every carried state of the network over the batch, float32. */
    public static long stateBytes(SequenceModelSpec spec, int batch) {
        RecurrentSpec rnn = spec.rnn();
        long per = 0;
        for (StateSpec s : rnn.cell().create(rnn.inputSize(), rnn.hiddenSize()).states()) {
            per += s.size();
        }
        return 4L * batch * per * rnn.layers() * rnn.directions().count();
    }

    /** The least budget a window can run in: one stored state and a unit of one step. */
    public static long minimum(SequenceModelSpec spec, int batch, int shards) {
        return stateBytes(spec, batch) + stepBytes(spec, batch, shards);
    }

    /** The plan for windows of {@code steps} within {@code budget} bytes; refused, naming the minimum, below it. */
    public static Plan plan(SequenceModelSpec spec, int batch, int shards, int steps, long budget, Policy policy) {
        if (spec.rnn().directions() == RecurrentSpec.Directions.BOTH) {
            throw new IllegalArgumentException("--memory-budget: a bidirectional model's reverse chain runs from the window's last step back, so its"
                    + " window cannot be cut into units that run forward; train it with full BPTT");
        }
        long a = stepBytes(spec, batch, shards);
        long s = stateBytes(spec, batch);
        long full = a * steps;
        long min = a + s;
        if (budget < min) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s is below the minimum for this model and window, %s"
                    + " (one stored state of %s and one step's activations of %s)", size(budget), size(min), size(s), size(a)));
        }
        if (budget >= full) {
            return new Plan(steps, 1, full, full, steps, steps);
        }
        return policy == Policy.SQRT ? sqrt(steps, budget, a, s, full) : optimal(steps, budget, a, s, full);
    }

    private static Plan optimal(int steps, long budget, long a, long s, long full) {
        Plan best = null;
        int kmin = Math.max(1, (steps + MAX_UNITS - 1) / MAX_UNITS);
        for (int k = kmin; k < steps; k++) {
            long room = budget - k * a;
            if (room < s) {
                break;
            }
            int units = (steps + k - 1) / k;
            int m = (int) Math.min(units, room / s);
            long forward = (long) k * Recomputation.forwardSteps(units, m);
            if (best == null || forward < best.forwardSteps()) {
                best = new Plan(k, m, k * a + m * s, full, forward, steps);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s cannot hold a unit of %d steps (%s) and a stored state; the"
                    + " window of %d steps needs units of at least that many to be planned", size(budget), kmin, size(kmin * a + s), steps));
        }
        return best;
    }

    private static Plan sqrt(int steps, long budget, long a, long s, long full) {
        int k = (int) Math.ceil(Math.sqrt(steps));
        int units = (steps + k - 1) / k;
        long bytes = k * a + units * s;
        if (bytes > budget) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s is below what units of √%d = %d steps hold (%s); give at least"
                    + " that, or the optimal policy", size(budget), steps, k, size(bytes)));
        }
        return new Plan(k, units, bytes, full, (long) k * Recomputation.forwardSteps(units, units), steps);
    }

    /** {@code 123}, {@code 64K}, {@code 512M}, {@code 2G} (binary: K = 1024 bytes), as bytes. */
    public static long parse(String text) {
        String t = text.strip();
        long unit = 1;
        if (!t.isEmpty()) {
            switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> {
                }
            }
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        try {
            double v = Double.parseDouble(digits);
            if (!(v > 0) || Double.isInfinite(v) || !digits.matches("[0-9]+(\\.[0-9]+)?") || v * unit > Long.MAX_VALUE / 2) {
                throw new NumberFormatException();
            }
            return (long) (v * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--memory-budget: '" + dev.unfold.io.SafeText.clip(text) + "' is not a positive size such as 64M or 2G");
        }
    }

    /** Bytes as people read them: 64.0 MiB, 1.50 GiB. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
