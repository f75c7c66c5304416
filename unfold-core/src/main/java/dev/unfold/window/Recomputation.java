package dev.unfold.window;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where memory-bounded BPTT stores states, and what it recomputes. Backpropagating one step (its adjoint) runs
 * that step forward with its activations kept, from the state before it, then backward; with m stored states
 * (the first included) the others are reached by running forward from the nearest stored one. Storing a state
 * y steps ahead, then backpropagating the t − y steps after it with m − 1 slots and the y before it with m, costs
 * <pre>
 * A(t, m) = min over 1 ≤ y &lt; t of  y + A(t − y, m − 1) + A(y, m)        A(1, m) = 0        A(t, 1) = t(t − 1)/2
 * </pre>
 * forward steps besides the t the adjoints run: the recursion of Gruslys, Munos, Danihelka, Lanctot and Graves
 * (2016), "Memory-Efficient Backpropagation Through Time", in the cost model of Griewank's binomial
 * checkpointing, whose closed-form optimum ({@link #revolve}) it reaches. This class costs plans by that closed
 * form and splits by the recursion; {@link #dynamicProgram} computes the table itself, and the tests hold the two
 * equal for every t up to 200 and every m.
 */
public final class Recomputation {
    private final Map<Long, Integer> splits = new HashMap<>();

    /** One action of a schedule over units of a window. */
    public record Action(Kind kind, int unit) {
        /**
         * {@code RESTORE}: continue from the stored state at unit {@code unit}'s start; {@code ADVANCE}: run unit
         * {@code unit} forward, to the next unit's start; {@code STORE} and {@code FREE}: keep, or let go of, the state
         * there is now, at unit {@code unit}'s start; {@code ADJOINT}: run unit {@code unit} forward with its activations
         * and backward, from the state there is now.
         */
        public enum Kind { RESTORE, ADVANCE, STORE, FREE, ADJOINT }
    }

    /**
     * The actions that backpropagate {@code units} units with {@code slots} stored states at most (the first
     * unit's included), in order: the plan the executor follows and {@code show} draws. Its ADVANCE actions number
     * {@link #revolve}{@code (units, slots)}, and every unit has one ADJOINT, from the last to the first.
     */
    public List<Action> schedule(int units, int slots) {
        List<Action> out = new ArrayList<>();
        out.add(new Action(Action.Kind.STORE, 0));
        schedule(0, units, Math.max(1, Math.min(slots, units)), out);
        return out;
    }

    private void schedule(int u0, int u1, int m, List<Action> out) {
        if (u1 - u0 == 1) {
            out.add(new Action(Action.Kind.RESTORE, u0));
            out.add(new Action(Action.Kind.ADJOINT, u0));
            return;
        }
        if (m == 1) {
            for (int u = u1 - 1; u >= u0; u--) {
                out.add(new Action(Action.Kind.RESTORE, u0));
                for (int a = u0; a < u; a++) {
                    out.add(new Action(Action.Kind.ADVANCE, a));
                }
                out.add(new Action(Action.Kind.ADJOINT, u));
            }
            return;
        }
        int y = split(u1 - u0, m);
        out.add(new Action(Action.Kind.RESTORE, u0));
        for (int a = u0; a < u0 + y; a++) {
            out.add(new Action(Action.Kind.ADVANCE, a));
        }
        out.add(new Action(Action.Kind.STORE, u0 + y));
        schedule(u0 + y, u1, m - 1, out);
        out.add(new Action(Action.Kind.FREE, u0 + y));
        schedule(u0, u0 + y, m, out);
    }

    /** Every forward step of backpropagating t steps with m slots: the t the adjoints run and the fewest recomputed ones, {@link #revolve}. */
    public static long forwardSteps(int t, int m) {
        return t <= 0 ? 0 : t + revolve(t, m);
    }

    /**
     * Griewank's bound (Griewank 1992; Griewank and Walther 2000, Algorithm 799 "revolve"): reversing l steps
     * with s stored states takes at least {@code r·l − β(s + 1, r − 1)} forward steps besides those the reversal
     * itself runs, where β(s, r) = (s + r)! / (s! r!) and r is the least integer with l ≤ β(s, r).
     */
    public static long revolve(int l, int s) {
        if (s < 1) {
            throw new IllegalArgumentException("a reversal needs at least one stored state, got " + s);
        }
        if (l <= 1) {
            return 0;
        }
        if (s == 1) {
            return (long) l * (l - 1) / 2;
        }
        int r = 0;
        while (beta(s, r) < l) {
            r++;
        }
        return (long) r * l - beta(s + 1, r - 1);
    }

    /** β(s, r) = (s + r choose s), 0 for r &lt; 0; saturates at {@link Long#MAX_VALUE}. */
    static long beta(int s, int r) {
        if (r < 0) {
            return 0;
        }
        long b = 1;
        for (int i = 1; i <= Math.min(s, r); i++) {
            long next = b * (Math.max(s, r) + i);
            if (next / (Math.max(s, r) + i) != b) {
                return Long.MAX_VALUE;
            }
            b = next / i;
        }
        return b;
    }

    /** The recursion's A(t, m), the fewest recomputed steps, for every t ≤ {@code steps} and m ≤ {@code slots}: row t, column m (column 0 unused). */
    public static long[][] dynamicProgram(int steps, int slots) {
        long[][] c = new long[steps + 1][slots + 1];
        for (int t = 1; t <= steps; t++) {
            c[t][1] = (long) t * (t - 1) / 2;
            for (int m = 2; m <= slots; m++) {
                if (t == 1) {
                    continue;
                }
                long best = Long.MAX_VALUE;
                for (int y = 1; y < t; y++) {
                    best = Math.min(best, y + c[t - y][m - 1] + c[y][m]);
                }
                c[t][m] = best;
            }
        }
        return c;
    }

    /**
     * Where to store the next state when t steps remain to backpropagate with m slots: y, the steps to run forward
     * first, a minimiser of {@code y + A(t − y, m − 1) + A(y, m)}; 1 when every step can be stored. Memoised.
     */
    public int split(int t, int m) {
        if (t < 2) {
            throw new IllegalArgumentException("a split needs at least 2 steps, got " + t);
        }
        if (m >= t) {
            return 1;
        }
        if (m < 2) {
            throw new IllegalArgumentException("storing a state needs a second slot; with one, each step is recomputed from the first");
        }
        long key = ((long) t << 32) | m;
        Integer known = splits.get(key);
        if (known != null) {
            return known;
        }
        int bestY = 1;
        long best = Long.MAX_VALUE;
        for (int y = 1; y < t; y++) {
            long cost = y + revolve(t - y, m - 1) + revolve(y, m);
            if (cost < best) {
                best = cost;
                bestY = y;
            }
        }
        splits.put(key, bestY);
        return bestY;
    }
}
