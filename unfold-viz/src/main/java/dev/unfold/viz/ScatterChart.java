package dev.unfold.viz;

import java.util.List;

/** Predicted against actual values as SVG: one point per prediction, and the line y = x on which a perfect model's points lie. */
public final class ScatterChart {
    static final int W = 420;
    static final int H = 420;
    static final int PAD = 56;
    /** Points drawn at most; more are thinned evenly. */
    static final int MOST = 4000;

    private ScatterChart() {
    }

    /** The chart of points {actual, predicted}. */
    public static String svg(List<double[]> points, String title, String unit) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] p : points) {
            lo = Math.min(lo, Math.min(p[0], p[1]));
            hi = Math.max(hi, Math.max(p[0], p[1]));
        }
        if (!(hi > lo)) {
            lo = points.isEmpty() || !Double.isFinite(lo) ? 0 : lo - 1;
            hi = lo + 2;
        }
        double span = hi - lo;
        double min = lo - 0.05 * span;
        double max = hi + 0.05 * span;
        Svg s = new Svg();
        s.chart("scatter-chart", W, H);
        s.raw("<text x=\"8\" y=\"16\" font-weight=\"bold\">" + Svg.escape(title) + "</text>\n");
        s.line(PAD, H - PAD, W - 16, H - PAD, "axis").line(PAD, 24, PAD, H - PAD, "axis");
        s.empty("line", "class", "identity", "x1", Svg.n(x(min, min, max)), "y1", Svg.n(y(min, min, max)), "x2", Svg.n(x(max, min, max)),
                "y2", Svg.n(y(max, min, max)), "stroke", "#2ca02c", "stroke-dasharray", "4 3");
        for (int i = 0; i <= 4; i++) {
            double v = min + (max - min) * i / 4;
            s.raw("<text x=\"" + Svg.n(x(v, min, max)) + "\" y=\"" + (H - PAD + 16) + "\" text-anchor=\"middle\">" + fmt(v) + "</text>\n");
            s.raw("<text x=\"" + (PAD - 6) + "\" y=\"" + Svg.n(y(v, min, max) + 4) + "\" text-anchor=\"end\">" + fmt(v) + "</text>\n");
        }
        s.raw("<text x=\"" + (W / 2) + "\" y=\"" + (H - 14) + "\" text-anchor=\"middle\">actual" + (unit.isEmpty() ? "" : " (" + Svg.escape(unit) + ")") + "</text>\n");
        s.raw("<text x=\"14\" y=\"" + (H / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " + (H / 2) + ")\">predicted</text>\n");
        int stride = Math.max(1, (points.size() + MOST - 1) / MOST);
        for (int i = 0; i < points.size(); i += stride) {
            double[] p = points.get(i);
            s.empty("circle", "cx", Svg.n(x(p[0], min, max)), "cy", Svg.n(y(p[1], min, max)), "r", "2", "fill", "#1f77b4", "fill-opacity", "0.6");
        }
        s.raw("<style>.axis{stroke:#333}</style>\n");
        return s.close("svg").toString();
    }

    private static double x(double v, double min, double max) {
        return PAD + (v - min) / (max - min) * (W - PAD - 16);
    }

    private static double y(double v, double min, double max) {
        return H - PAD - (v - min) / (max - min) * (H - PAD - 24);
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
