package dev.unfold.viz;

import java.util.Locale;

/** A small SVG text builder: numbers with one decimal (so output is byte-for-byte deterministic) and escaped text. */
final class Svg {
    private final StringBuilder sb = new StringBuilder();

    Svg raw(String s) {
        sb.append(s);
        return this;
    }

    Svg open(String tag, String... attrs) {
        sb.append('<').append(tag);
        attrs(attrs);
        sb.append(">\n");
        return this;
    }

    /** Opens a chart's {@code <svg>} of {@code w} × {@code h} with class {@code cls}, in the charts' font, on white. */
    Svg chart(String cls, int w, int h) {
        open("svg", "xmlns", "http://www.w3.org/2000/svg", "class", cls, "viewBox", "0 0 " + w + " " + h, "width", Integer.toString(w),
                "height", Integer.toString(h), "font-family", "Helvetica,Arial,sans-serif", "font-size", "11");
        return empty("rect", "x", "0", "y", "0", "width", Integer.toString(w), "height", Integer.toString(h), "fill", "#fff");
    }

    Svg close(String tag) {
        sb.append("</").append(tag).append(">\n");
        return this;
    }

    Svg empty(String tag, String... attrs) {
        sb.append('<').append(tag);
        attrs(attrs);
        sb.append("/>\n");
        return this;
    }

    Svg text(double x, double y, String cls, String text) {
        sb.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" class=\"").append(cls).append("\">")
                .append(escape(text)).append("</text>\n");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String cls) {
        return empty("line", "x1", n(x1), "y1", n(y1), "x2", n(x2), "y2", n(y2), "class", cls);
    }

    private void attrs(String... attrs) {
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            sb.append(' ').append(attrs[i]).append("=\"").append(escape(attrs[i + 1])).append('"');
        }
    }

    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
