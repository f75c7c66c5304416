package dev.unfold.viz;

import dev.unfold.graph.Role;
import java.util.List;
import java.util.Map;

/**
 * A static heat map of a per-step quantity for each layer (rows) over time (columns), colored on a log
 * scale shared by all maps drawn with the same bounds, so two of them (start and end of training) compare.
 */
public final class HeatMap {
    private HeatMap() {
    }

    /** log10 bounds over all maps. */
    public static double[] bounds(List<Map<Role.Layer, double[]>> maps) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Map<Role.Layer, double[]> m : maps) {
            for (double[] row : m.values()) {
                for (double v : row) {
                    if (v > 0) {
                        lo = Math.min(lo, Math.log10(v));
                        hi = Math.max(hi, Math.log10(v));
                    }
                }
            }
        }
        return Double.isFinite(lo) ? new double[] {lo, Math.max(hi, lo + 1e-9)} : new double[] {0, 1};
    }

    public static String svg(Map<Role.Layer, double[]> rows, double[] bounds, String title) {
        int cell = 10;
        int left = 70;
        int steps = rows.values().stream().mapToInt(r -> r.length).max().orElse(0);
        int width = left + steps * cell + 20;
        int height = 34 + rows.size() * (cell + 4) + 20;
        Svg s = new Svg();
        s.open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", "heat-map", "width", Integer.toString(width), "height", Integer.toString(height),
                "font-family", "Helvetica,Arial,sans-serif", "font-size", "11");
        s.raw("<text x=\"4\" y=\"14\">" + Svg.escape(title) + "</text>\n");
        int y = 26;
        for (Map.Entry<Role.Layer, double[]> e : rows.entrySet()) {
            s.raw("<text x=\"4\" y=\"" + (y + 9) + "\">" + Svg.escape(e.getKey().scope()) + "</text>\n");
            double[] row = e.getValue();
            for (int t = 0; t < row.length; t++) {
                s.raw("<rect x=\"" + (left + t * cell) + "\" y=\"" + y + "\" width=\"" + cell + "\" height=\"" + cell + "\" fill=\""
                        + color(row[t], bounds) + "\"><title>t=" + (t + 1) + ": " + String.format(java.util.Locale.ROOT, "%.3g", row[t])
                        + "</title></rect>\n");
            }
            y += cell + 4;
        }
        s.raw("<text x=\"" + left + "\" y=\"" + (y + 12) + "\">t=1</text><text x=\"" + (left + steps * cell - 30) + "\" y=\"" + (y + 12)
                + "\">t=" + steps + "</text>\n");
        return s.close("svg").toString();
    }

    static String color(double v, double[] bounds) {
        if (!(v > 0)) {
            return "#ffffff";
        }
        double x = (Math.log10(v) - bounds[0]) / (bounds[1] - bounds[0]);
        int r = (int) Math.round(255 * x);
        int g = (int) Math.round(80 + 100 * (1 - Math.abs(x - 0.5) * 2));
        int b = (int) Math.round(255 * (1 - x));
        return String.format("#%02x%02x%02x", r, g, b);
    }
}
