package dev.unfold.viz;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.unfold.graph.Role;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Self-contained interactive HTML: everything inline (SVG, styles, script, data), nothing fetched at view
 * time. The graph widget steps the forward pass through time, plays the backward pass from the last step
 * to the first, shows h_t as a heat strip, ||dL/dh_t|| as a heat map and ||dh_T/dh_t|| as a curve,
 * zooms and pans, and collapses the middle of long sequences behind an expandable marker.
 */
public final class HtmlPage {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final StringBuilder body = new StringBuilder();
    private final String title;

    public HtmlPage(String title) {
        this.title = title;
    }

    /** A heading and a paragraph or table given as HTML. */
    public HtmlPage section(String heading, String html) {
        body.append("<section><h2>").append(Svg.escape(heading)).append("</h2>\n").append(html).append("</section>\n");
        return this;
    }

    /** The graph widget for {@code view}, with {@code annotations} driving its panels. */
    public HtmlPage graph(UnfoldedView view, Detail detail, Annotations annotations) {
        body.append("<section class=\"graph-widget\"><h2>Folded and unfolded graph</h2>\n")
                .append("<div class=\"controls\"><button id=\"step-back\">&#9664; step</button><button id=\"step-next\">step &#9654;</button>")
                .append("<button id=\"play-forward\">play forward</button><button id=\"play-backward\">play backward</button>")
                .append("<button id=\"zoom-reset\">reset zoom</button><span id=\"step-now\" class=\"now\">t=&ndash;</span>")
                .append("<span class=\"hint\">scroll to zoom, drag to pan, hover for details</span></div>\n")
                .append("<div class=\"canvas\">").append(SvgDrawing.render(view, detail)).append("</div>\n")
                .append("<div class=\"panels\"><div><h3>h<sub>t</sub> at the highlighted step</h3><div id=\"strip\"></div></div>")
                .append("<div><h3>||dL/dh<sub>t</sub>|| by step and layer</h3><div id=\"heatmap\"></div></div>")
                .append("<div><h3>||dh<sub>T</sub>/dh<sub>t</sub>|| (log scale)</h3><div id=\"jacobian\"></div></div></div>\n")
                .append("<p class=\"caption\">").append(Svg.escape(annotations.caption())).append("</p>\n")
                .append("<div id=\"tooltip\" class=\"tooltip\"></div>\n")
                .append("<script type=\"application/json\" id=\"unfold-data\">").append(data(view, annotations).replace("</", "<\\/"))
                .append("</script>\n</section>\n");
        return this;
    }

    public String render() {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Svg.escape(title) + "</title>\n<style>\n"
                + resource("report.css") + "</style></head>\n<body><h1>" + Svg.escape(title) + "</h1>\n" + body
                + "<script>\n" + resource("report.js") + "</script>\n</body></html>\n";
    }

    private static String data(UnfoldedView view, Annotations a) {
        JsonObject o = new JsonObject();
        o.addProperty("steps", view.steps());
        JsonArray rows = new JsonArray();
        for (UnfoldedView.Row r : view.rows()) {
            if (r.kind() == UnfoldedView.Kind.LAYER) {
                JsonObject row = new JsonObject();
                row.addProperty("scope", r.scope());
                row.addProperty("label", r.symbol() + (view.multiLayer() ? UnfoldedView.subscript(r.layer() + 1) : "") + (r.reverse() ? " ←" : ""));
                rows.add(row);
            }
        }
        o.add("layers", rows);
        o.add("states", GSON.toJsonTree(byScope(a.states())));
        o.add("gradientNorms", GSON.toJsonTree(byScope(a.gradientNorms())));
        o.add("jacobianNorms", GSON.toJsonTree(byScope(a.jacobianNorms())));
        JsonObject stats = new JsonObject();
        java.util.Set<Integer> drawn = new java.util.HashSet<>();
        for (UnfoldedView.Cell c : view.cells()) {
            c.nodes().forEach(n -> drawn.add(n.id()));
        }
        view.links().forEach(l -> l.initial().ifPresent(n -> drawn.add(n.id())));
        new TreeMap<>(a.stats()).forEach((k, v) -> {
            if (drawn.contains(k)) {
                stats.add(Integer.toString(k), GSON.toJsonTree(round(v)));
            }
        });
        o.add("stats", stats);
        return GSON.toJson(o);
    }

    /** The page's script knows layers by their names ({@code l0}, {@code l0_reverse}). */
    private static <V> Map<String, V> byScope(Map<Role.Layer, V> m) {
        Map<String, V> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k.scope(), v));
        return out;
    }

    private static double[] round(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i] * 1e4) / 1e4;
        }
        return r;
    }

    static String resource(String name) {
        try (InputStream in = HtmlPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code text} escaped for HTML. */
    public static String escape(String text) {
        return Svg.escape(text);
    }

    /** A plain table from rows of cells. */
    public static String table(List<List<String>> rows) {
        StringBuilder sb = new StringBuilder("<table>");
        for (List<String> r : rows) {
            sb.append("<tr>");
            r.forEach(c -> sb.append("<td>").append(Svg.escape(c)).append("</td>"));
            sb.append("</tr>");
        }
        return sb.append("</table>\n").toString();
    }

    /** Key-value pairs as a table. */
    public static String table(Map<String, String> pairs) {
        return table(pairs.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
    }
}
