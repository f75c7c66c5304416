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
     * forward steps it runs (the window's own included). With {@code sweeps} (a network with reverse chains, run by
     * sweeps over the units), every boundary's states and their gradients are stored, {@code slots} boundaries.
     */
    public record Plan(int unitSteps, int slots, long bytes, long fullBytes, long forwardSteps, int windowSteps, boolean sweeps) {
        public Plan(int unitSteps, int slots, long bytes, long fullBytes, long forwardSteps, int windowSteps) {
            this(unitSteps, slots, bytes, fullBytes, forwardSteps, windowSteps, false);
        }

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
            if (sweeps) {
                return String.format(Locale.ROOT, "units of %d steps, the states and gradients of %d boundaries stored, found by sweeps both ways: %s of"
                        + " full BPTT's %s, %.2f forward steps per step", unitSteps, slots, size(bytes), size(fullBytes), recomputation());
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

    /**
     * The plan for windows of {@code steps} within {@code budget} bytes; refused, naming the minimum, below it. A
     * bidirectional network is planned for {@link BoundarySweeps}, which stores every boundary.
     */
    public static Plan plan(SequenceModelSpec spec, int batch, int shards, int steps, long budget, Policy policy) {
        boolean both = spec.rnn().directions() == RecurrentSpec.Directions.BOTH;
        long a = stepBytes(spec, batch, shards);
        long s = stateBytes(spec, batch);
        long full = a * steps;
        int least = both ? leastSweepUnit(steps, a, s) : 1;
        long min = both ? sweepBytes(least, steps, a, s) : a + s;
        if (both && budget < min && budget < full) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s is below the minimum for this bidirectional model and"
                    + " window, %s (units of %d step%s of %s each, and the states and gradients of their %d boundaries, %s each)",
                    size(budget), size(min), least, least == 1 ? "" : "s", size(a), (steps + least - 1) / least + 1, size(s)));
        }
        if (budget < min && !both) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s is below the minimum for this model and window, %s"
                    + " (one stored state of %s and one step's activations of %s)", size(budget), size(min), size(s), size(a)));
        }
        if (budget >= full) {
            return new Plan(steps, 1, full, full, steps, steps);
        }
        if (both) {
            return sweeps(spec.rnn().layers(), steps, budget, policy, a, s, full);
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

    /**
     * Units for {@link BoundarySweeps}: the sweeps run the window (layers + 1) times forward and (layers + 1) times
     * forward and back whatever the units, so the longest units within the budget (fewest runs), or √L under
     * {@link Policy#SQRT}.
     */
    private static Plan sweeps(int layers, int steps, long budget, Policy policy, long a, long s, long full) {
        long forward = 2L * (layers + 1) * steps;
        if (policy == Policy.SQRT) {
            int k = (int) Math.ceil(Math.sqrt(steps));
            long bytes = sweepBytes(k, steps, a, s);
            if (bytes > budget) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "--memory-budget %s is below what units of √%d = %d steps hold (%s); give"
                        + " at least that, or the optimal policy", size(budget), steps, k, size(bytes)));
            }
            return new Plan(k, (steps + k - 1) / k + 1, bytes, full, forward, steps, true);
        }
        for (int k = steps - 1; k >= 1; k--) {
            long bytes = sweepBytes(k, steps, a, s);
            if (bytes <= budget) {
                return new Plan(k, (steps + k - 1) / k + 1, bytes, full, forward, steps, true);
            }
        }
        throw new IllegalStateException("a budget above the minimum holds units of one step");
    }

    /** The units that hold least under {@link BoundarySweeps}: k·a + 2(⌈L/k⌉ + 1)·s is least near k = √(2Ls/a). */
    private static int leastSweepUnit(int steps, long a, long s) {
        int best = 1;
        for (int k = 2; k <= steps; k++) {
            if (sweepBytes(k, steps, a, s) < sweepBytes(best, steps, a, s)) {
                best = k;
            }
        }
        return best;
    }

    private static long sweepBytes(int k, int steps, long a, long s) {
        return k * a + 2L * ((steps + k - 1) / k + 1) * s;
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
        if (bytes >= 1L << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return bytes + " B";
    }
}
