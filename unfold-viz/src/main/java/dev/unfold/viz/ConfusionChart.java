package dev.unfold.viz;

import java.util.List;

/**
 * A classifier's confusion matrix as SVG: a row per actual class, a column per predicted class, each cell
 * shaded by its share of its row (so a perfect classifier is a dark diagonal) and labelled with its count.
 */
public final class ConfusionChart {
    private static final int CELL = 44;
    private static final int LEFT = 110;
    private static final int TOP = 70;

    private ConfusionChart() {
    }

    /** The chart of {@code counts[actual][predicted]} over {@code classes}. */
    public static String svg(List<String> classes, long[][] counts, String title) {
        int k = classes.size();
        int w = LEFT + k * CELL + 20;
        int h = TOP + k * CELL + 20;
        Svg s = new Svg();
        s.chart("confusion-chart", w, h);
        s.raw("<text x=\"8\" y=\"16\" font-weight=\"bold\">" + Svg.escape(title) + "</text>\n");
        s.raw("<text x=\"" + (LEFT + k * CELL / 2) + "\" y=\"34\" text-anchor=\"middle\">predicted</text>\n");
        s.raw("<text x=\"8\" y=\"" + (TOP - 6) + "\">actual</text>\n");
        for (int c = 0; c < k; c++) {
            String name = clip(classes.get(c));
            s.raw("<text x=\"" + (LEFT + c * CELL + CELL / 2) + "\" y=\"" + (TOP - 6) + "\" text-anchor=\"middle\">" + Svg.escape(name) + "</text>\n");
            s.raw("<text x=\"" + (LEFT - 6) + "\" y=\"" + (TOP + c * CELL + CELL / 2 + 4) + "\" text-anchor=\"end\">" + Svg.escape(name) + "</text>\n");
        }
        for (int a = 0; a < k; a++) {
            long total = 0;
            for (long n : counts[a]) {
                total += n;
            }
            for (int p = 0; p < k; p++) {
                double share = total == 0 ? 0 : (double) counts[a][p] / total;
                int shade = (int) Math.round(255 - 200 * share);
                String fill = String.format(java.util.Locale.ROOT, "#%02x%02x%02x", shade, shade, 255);
                s.empty("rect", "class", a == p ? "cell diagonal" : "cell", "x", Integer.toString(LEFT + p * CELL), "y", Integer.toString(TOP + a * CELL),
                        "width", Integer.toString(CELL), "height", Integer.toString(CELL), "fill", fill, "stroke", "#ccc");
                s.raw("<text x=\"" + (LEFT + p * CELL + CELL / 2) + "\" y=\"" + (TOP + a * CELL + CELL / 2 + 4) + "\" text-anchor=\"middle\" fill=\""
                        + (share > 0.6 ? "#fff" : "#222") + "\">" + counts[a][p] + "</text>\n");
            }
        }
        return s.close("svg").toString();
    }

    private static String clip(String s) {
        return s.length() <= 12 ? s : s.substring(0, 11) + "…";
    }
}
