package dev.unfold.viz;

import java.util.List;
import java.util.Locale;

/**
 * The plan of memory-bounded BPTT, drawn as Griewank draws a checkpointing schedule: the window's units of steps
 * run left to right, what the plan does runs top to bottom, a row per forward run of a unit. A light cell is a unit
 * run forward to reach a later state (recomputation), a dark cell a unit's adjoint (run forward with its activations,
 * then backward), a dot on a unit's left edge a state stored there; the units whose first state is never stored but
 * the first's are the recomputed ones.
 */
public final class RecomputationChart {
    private static final int LEFT = 70;
    private static final int TOP = 56;
    private static final int ROW = 12;

    private RecomputationChart() {
    }

    /** What one action of the plan does: {@code kind} is ADVANCE, ADJOINT or STORE (others are not drawn). */
    public record Action(String kind, int unit) {
    }

    /** The plan {@code actions} over {@code units} units of {@code unitSteps} steps each (the last may be shorter), in a window of {@code steps}. */
    public static String svg(List<Action> actions, int units, int unitSteps, int steps, String title) {
        int cell = Math.max(4, Math.min(28, 900 / Math.max(1, units)));
        int rows = 0;
        for (Action a : actions) {
            rows += a.kind().equals("ADVANCE") || a.kind().equals("ADJOINT") ? 1 : 0;
        }
        int w = LEFT + units * cell + 20;
        int h = TOP + rows * ROW + 40;
        Svg s = new Svg();
        s.chart("recomputation-chart", w, h);
        s.raw("<text x=\"8\" y=\"16\" font-weight=\"bold\">" + Svg.escape(title) + "</text>\n");
        s.raw("<text x=\"" + LEFT + "\" y=\"34\">steps 0 to " + (steps - 1) + ", units of " + unitSteps + " steps: light = run forward again,"
                + " dark = adjoint (forward with activations, then backward), dot = state stored</text>\n");
        int row = 0;
        for (Action a : actions) {
            int x = LEFT + a.unit() * cell;
            int y = TOP + row * ROW;
            switch (a.kind()) {
                case "ADVANCE" -> {
                    s.empty("rect", "class", "advance", "x", Integer.toString(x), "y", Integer.toString(y), "width", Integer.toString(cell), "height",
                            Integer.toString(ROW - 2), "fill", "#9ecae1");
                    row++;
                }
                case "ADJOINT" -> {
                    s.empty("rect", "class", "adjoint", "x", Integer.toString(x), "y", Integer.toString(y), "width", Integer.toString(cell), "height",
                            Integer.toString(ROW - 2), "fill", "#e6550d");
                    row++;
                }
                case "STORE" -> s.empty("circle", "class", "stored", "cx", Integer.toString(x), "cy", Integer.toString(y + ROW / 2 - 1), "r", "3",
                        "fill", "#111");
                default -> {
                }
            }
        }
        s.raw(String.format(Locale.ROOT, "<text x=\"8\" y=\"%d\">%d forward runs of units for %d units</text>%n", TOP + rows * ROW + 24, rows, units));
        return s.close("svg").toString();
    }
}
