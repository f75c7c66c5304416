package dev.unfold.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Training and validation curves as SVG or PNG: y is the loss (bits per character for text), x is the
 * update number or the seconds of training. The same scales and ticks are used by both renderers.
 */
public final class LossChart {
    static final int W = 640;
    static final int H = 360;
    static final int PAD = 56;
    private final List<double[]> train;
    private final List<double[]> validation;
    private final String xLabel;
    private final String yLabel;
    private final double xMax;
    private final double yMin;
    private final double yMax;
    private double[] kept;
    private String keptLabel;

    /** Points are {x, y}; validation may be empty. */
    public LossChart(List<double[]> train, List<double[]> validation, String xLabel, String yLabel) {
        this.train = train;
        this.validation = validation;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        double xm = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<double[]> s : List.of(train, validation)) {
            for (double[] p : s) {
                if (Double.isFinite(p[1])) {
                    xm = Math.max(xm, p[0]);
                    lo = Math.min(lo, p[1]);
                    hi = Math.max(hi, p[1]);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            lo = 0;
            hi = 1;
        }
        double span = Math.max(1e-9, hi - lo);
        this.xMax = xm;
        this.yMin = Math.max(0, lo - 0.05 * span);
        this.yMax = hi + 0.05 * span;
    }

    /** Marks the point {x, y} of the model a run keeps (its best validation), with a legend line; returns this chart. */
    public LossChart marking(double[] point, String label) {
        this.kept = point.clone();
        this.keptLabel = label;
        return this;
    }

    double px(double x) {
        return PAD + x / xMax * (W - PAD - 16);
    }

    double py(double y) {
        return H - PAD - (y - yMin) / (yMax - yMin) * (H - PAD - 16);
    }

    public String svg() {
        Svg s = new Svg();
        s.chart("loss-chart", W, H);
        s.line(PAD, H - PAD, W - 16, H - PAD, "axis").line(PAD, 16, PAD, H - PAD, "axis");
        for (int i = 0; i <= 4; i++) {
            double y = yMin + (yMax - yMin) * i / 4;
            s.empty("line", "x1", Svg.n(PAD - 4), "y1", Svg.n(py(y)), "x2", Svg.n(PAD), "y2", Svg.n(py(y)), "stroke", "#333");
            s.raw("<text x=\"" + Svg.n(PAD - 6) + "\" y=\"" + Svg.n(py(y) + 4) + "\" text-anchor=\"end\">" + fmt(y) + "</text>\n");
            double x = xMax * i / 4;
            s.raw("<text x=\"" + Svg.n(px(x)) + "\" y=\"" + (H - PAD + 16) + "\" text-anchor=\"middle\">" + fmt(x) + "</text>\n");
        }
        s.raw("<text x=\"" + (W / 2) + "\" y=\"" + (H - 14) + "\" text-anchor=\"middle\">" + Svg.escape(xLabel) + "</text>\n");
        s.raw("<text x=\"14\" y=\"" + (H / 2) + "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " + (H / 2) + ")\">" + Svg.escape(yLabel) + "</text>\n");
        s.raw(polyline(train, "#1f77b4")).raw(polyline(validation, "#d62728"));
        for (double[] p : validation) {
            s.empty("circle", "cx", Svg.n(px(p[0])), "cy", Svg.n(py(p[1])), "r", "3", "fill", "#d62728");
        }
        s.raw("<text x=\"" + (W - 150) + "\" y=\"30\" fill=\"#1f77b4\">training</text>\n");
        if (!validation.isEmpty()) {
            s.raw("<text x=\"" + (W - 150) + "\" y=\"46\" fill=\"#d62728\">validation</text>\n");
        }
        if (kept != null) {
            s.empty("circle", "class", "kept", "cx", Svg.n(px(kept[0])), "cy", Svg.n(py(kept[1])), "r", "7", "fill", "none", "stroke", "#2ca02c",
                    "stroke-width", "2");
            s.raw("<text x=\"" + (W - 150) + "\" y=\"62\" fill=\"#2ca02c\">" + Svg.escape(keptLabel) + "</text>\n");
        }
        s.raw("<style>.axis{stroke:#333}</style>\n");
        return s.close("svg").toString();
    }

    public byte[] png() {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawLine(PAD, H - PAD, W - 16, H - PAD);
        g.drawLine(PAD, 16, PAD, H - PAD);
        for (int i = 0; i <= 4; i++) {
            double y = yMin + (yMax - yMin) * i / 4;
            g.drawString(fmt(y), 6, (int) py(y) + 4);
            double x = xMax * i / 4;
            g.drawString(fmt(x), (int) px(x) - 10, H - PAD + 16);
        }
        g.drawString(xLabel, W / 2 - 40, H - 14);
        g.drawString(yLabel, 6, 12);
        g.setStroke(new BasicStroke(1.5f));
        draw(g, train, new Color(0x1f77b4));
        draw(g, validation, new Color(0xd62728));
        if (kept != null) {
            g.setColor(new Color(0x2ca02c));
            g.drawOval((int) px(kept[0]) - 7, (int) py(kept[1]) - 7, 14, 14);
            g.drawString(keptLabel, W - 180, 30);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void draw(Graphics2D g, List<double[]> points, Color c) {
        g.setColor(c);
        for (int i = 1; i < points.size(); i++) {
            double[] a = points.get(i - 1);
            double[] b = points.get(i);
            g.drawLine((int) px(a[0]), (int) py(a[1]), (int) px(b[0]), (int) py(b[1]));
        }
        for (double[] p : points.size() < 50 ? points : List.<double[]>of()) {
            g.fillOval((int) px(p[0]) - 2, (int) py(p[1]) - 2, 5, 5);
        }
    }

    private String polyline(List<double[]> points, String color) {
        if (points.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\" points=\"");
        for (double[] p : points) {
            sb.append(Svg.n(px(p[0]))).append(',').append(Svg.n(py(p[1]))).append(' ');
        }
        return sb.append("\"/>\n").toString();
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
