package dev.unfold.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The recomputation policy's cost is the binomial-checkpointing optimum, and its splits reach it. */
class RecomputationTest {
    static final int MAX = 200;

    @Test
    void gruslysDynamicProgramEqualsGriewanksBoundForEveryLengthAndSlotCount() {
        long[][] c = Recomputation.dynamicProgram(MAX, MAX);
        for (int t = 1; t <= MAX; t++) {
            for (int m = 1; m <= MAX; m++) {
                assertEquals(c[t][m], Recomputation.revolve(t, m), "A(" + t + ", " + m + ")");
            }
        }
    }

    @Test
    void theSplitsReachTheOptimum() {
        Recomputation policy = new Recomputation();
        long[][] c = Recomputation.dynamicProgram(MAX, MAX);
        for (int t = 2; t <= MAX; t++) {
            for (int m = 2; m <= MAX; m++) {
                assertEquals(c[t][m], cost(policy, t, m), "the policy's forward steps over " + t + " steps with " + m + " slots");
            }
        }
    }

    /** The steps the policy's plan recomputes, counted by following it as the executor does. */
    private static long cost(Recomputation policy, int t, int m) {
        if (t <= 1) {
            return 0;
        }
        if (m == 1) {
            return (long) t * (t - 1) / 2;
        }
        int y = policy.split(t, m);
        assertTrue(y >= 1 && y < t);
        return y + cost(policy, t - y, m - 1) + cost(policy, y, m);
    }

    @Test
    void theScheduleAdvancesAsOftenAsTheBoundAndRunsEveryAdjointOnceFromItsOwnState() {
        Recomputation policy = new Recomputation();
        for (int units = 1; units <= 60; units++) {
            for (int slots = 1; slots <= units + 1; slots++) {
                java.util.Map<Integer, Integer> held = new java.util.HashMap<>();
                int at = -1;
                int advances = 0;
                int nextAdjoint = units - 1;
                int peak = 0;
                for (Recomputation.Action a : policy.schedule(units, slots)) {
                    switch (a.kind()) {
                        case RESTORE -> {
                            assertTrue(held.containsKey(a.unit()), "restore of a state not held");
                            at = a.unit();
                        }
                        case ADVANCE -> {
                            assertEquals(at, a.unit(), "advance from where the state is");
                            at++;
                            advances++;
                        }
                        case STORE -> {
                            assertTrue(at == a.unit() || a.unit() == 0);
                            held.put(a.unit(), a.unit());
                            peak = Math.max(peak, held.size());
                        }
                        case FREE -> held.remove(a.unit());
                        case ADJOINT -> {
                            assertEquals(at, a.unit(), "an adjoint from its own state");
                            assertEquals(nextAdjoint--, a.unit(), "adjoints from the last unit to the first");
                        }
                    }
                }
                assertEquals(-1, nextAdjoint, "every unit's adjoint");
                assertTrue(peak <= Math.min(slots, units), "at most " + slots + " states held, " + peak + " were");
                assertEquals(Recomputation.revolve(units, Math.min(slots, units)), advances, "advances over " + units + " units with " + slots + " slots");
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(55, Recomputation.forwardSteps(10, 1), "one slot: step i recomputed from the first state, 0 + 1 + ... + 9, and 10 adjoints");
        assertEquals(19, Recomputation.forwardSteps(10, 10), "a slot per step: one sweep storing each state, and 10 adjoints");
        assertEquals(0, Recomputation.revolve(1, 1));
        assertEquals(10, Recomputation.beta(2, 3));
    }
}
