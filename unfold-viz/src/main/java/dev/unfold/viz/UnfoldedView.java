package dev.unfold.viz;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;
import dev.unfold.op.SoftmaxCrossEntropy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An unfolded graph seen as the book draws it: a grid of cells, one column per time step and one row per
 * role (inputs x, each layer's state h and direction, outputs o, losses L), with the links between cells
 * labelled by the parameter they apply (U, W, V for the Elman network). Rows are read from node names
 * ({@code l0/h}, {@code l1_reverse/c}) and steps.
 */
public final class UnfoldedView {
    private static final Pattern LAYER = Pattern.compile("l(\\d+)(_reverse)?");

    /** The role of a row. */
    public enum Kind { INPUT, LAYER, OUTPUT, LOSS }

    /** One row, bottom to top in {@link #rows()} order. */
    public record Row(int index, Kind kind, String scope, int layer, boolean reverse, String symbol) {
    }

    /** The nodes of one row at one step. */
    public record Cell(Row row, int step, List<Node> nodes) {
        public String key() {
            return row.index() + ":" + step;
        }
    }

    /** A link between two cells; {@code from} is empty for an initial state. */
    public record Link(Optional<Cell> from, Cell to, String label, String parameter, Optional<Node> initial) {
    }

    private final Graph graph;
    private final List<Row> rows;
    private final int steps;
    private final Map<String, Cell> cells;
    private final List<Link> links;
    private final boolean multiLayer;

    private UnfoldedView(Graph graph, List<Row> rows, int steps, Map<String, Cell> cells, List<Link> links, boolean multiLayer) {
        this.graph = graph;
        this.rows = rows;
        this.steps = steps;
        this.cells = cells;
        this.links = links;
        this.multiLayer = multiLayer;
    }

    public static UnfoldedView of(Graph g) {
        Kind[] kinds = new Kind[g.size()];
        String[] scopes = new String[g.size()];
        classify(g, kinds, scopes);
        Map<String, Row> rowByScope = rows(g, kinds, scopes);
        List<Row> rows = new ArrayList<>(rowByScope.values());
        Map<String, List<Node>> members = new LinkedHashMap<>();
        Map<Integer, Row> rowOf = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (n.step() >= 0 && kinds[n.id()] != null) {
                Row r = rowByScope.get(rowKey(kinds[n.id()], scopes[n.id()]));
                rowOf.put(n.id(), r);
                members.computeIfAbsent(r.index() + ":" + n.step(), k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Cell> cells = new LinkedHashMap<>();
        members.forEach((k, nodes) -> {
            Node first = nodes.get(0);
            cells.put(k, new Cell(rowOf.get(first.id()), first.step(), List.copyOf(nodes)));
        });
        boolean multi = rows.stream().filter(r -> r.kind() == Kind.LAYER).map(Row::layer).distinct().count() > 1;
        List<Link> links = links(g, rowOf, cells, multi);
        return new UnfoldedView(g, rows, g.steps(), cells, links, multi);
    }

    public Graph graph() {
        return graph;
    }

    public List<Row> rows() {
        return rows;
    }

    public int steps() {
        return steps;
    }

    public Optional<Cell> cell(Row row, int step) {
        return Optional.ofNullable(cells.get(row.index() + ":" + step));
    }

    public List<Cell> cells() {
        return List.copyOf(cells.values());
    }

    public List<Link> links() {
        return links;
    }

    public boolean multiLayer() {
        return multiLayer;
    }

    /** The initial state's symbol: h⁽⁰⁾, with the layer as a subscript when there are several. */
    public String initialLabel(Row row) {
        return row.symbol() + (multiLayer && row.kind() == Kind.LAYER ? subscript(row.layer() + 1) : "") + superscript(0);
    }

    /** The cell's symbol with its step as the book writes it: h⁽³⁾, with the layer as a subscript when there are several. */
    public String label(Row row, int step) {
        String sub = multiLayer && row.kind() == Kind.LAYER ? subscript(row.layer() + 1) : "";
        String arrow = row.reverse() ? "←" : "";
        return arrow + row.symbol() + sub + superscript(step + 1);
    }

    private static void classify(Graph g, Kind[] kinds, String[] scopes) {
        boolean[] feedsLayer = new boolean[g.size()];
        for (int id = g.size() - 1; id >= 0; id--) {
            Node n = g.node(id);
            scopes[id] = scopeOf(n.name());
            for (int user : g.consumers(id)) {
                if (LAYER.matcher(scopes[user] == null ? scopeOf(g.node(user).name()) : scopes[user]).matches() || feedsLayer[user]) {
                    feedsLayer[id] = true;
                }
            }
        }
        for (Node n : g.nodes()) {
            if (n.step() < 0 || n.is(Leaf.Kind.PARAMETER) || n.is(Leaf.Kind.CONSTANT)) {
                continue;
            }
            String scope = scopes[n.id()];
            if (LAYER.matcher(scope).matches()) {
                kinds[n.id()] = Kind.LAYER;
            } else if (n.op() instanceof SoftmaxCrossEntropy || n.name().startsWith("loss") || n.name().startsWith("target[")
                    || n.name().startsWith("R[")) {
                kinds[n.id()] = Kind.LOSS;
            } else if (feedsLayer[n.id()]) {
                kinds[n.id()] = Kind.INPUT;
            } else {
                kinds[n.id()] = isDownstreamOfLoss(g, n, kinds) ? Kind.LOSS : Kind.OUTPUT;
            }
        }
    }

    private static boolean isDownstreamOfLoss(Graph g, Node n, Kind[] kinds) {
        return n.inputs().stream().anyMatch(i -> kinds[i] == Kind.LOSS);
    }

    private static Map<String, Row> rows(Graph g, Kind[] kinds, String[] scopes) {
        Set<String> keys = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            if (kinds[n.id()] != null) {
                keys.add(rowKey(kinds[n.id()], scopes[n.id()]));
            }
        }
        List<String> ordered = new ArrayList<>(keys);
        ordered.sort(Comparator.comparingInt(UnfoldedView::rank));
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String k : ordered) {
            Kind kind = Kind.valueOf(k.substring(0, k.indexOf(':')));
            String scope = k.substring(k.indexOf(':') + 1);
            Matcher m = LAYER.matcher(scope);
            int layer = m.matches() ? Integer.parseInt(m.group(1)) : -1;
            boolean reverse = m.matches() && m.group(2) != null;
            String symbol = switch (kind) {
                case INPUT -> "x";
                case LAYER -> "h";
                case OUTPUT -> "o";
                case LOSS -> "L";
            };
            rows.put(k, new Row(rows.size(), kind, scope, layer, reverse, symbol));
        }
        return rows;
    }

    private static int rank(String key) {
        Kind kind = Kind.valueOf(key.substring(0, key.indexOf(':')));
        Matcher m = LAYER.matcher(key.substring(key.indexOf(':') + 1));
        int layer = m.matches() ? Integer.parseInt(m.group(1)) * 2 + (m.group(2) != null ? 1 : 0) : 0;
        return kind.ordinal() * 10_000 + layer;
    }

    private static String rowKey(Kind kind, String scope) {
        return kind.name() + ":" + (kind == Kind.LAYER ? scope : "");
    }

    private static List<Link> links(Graph g, Map<Integer, Row> rowOf, Map<String, Cell> cells, boolean multi) {
        Map<String, Link> links = new LinkedHashMap<>();
        for (Cell to : cells.values()) {
            for (Node n : to.nodes()) {
                for (int in : n.inputs()) {
                    Node src = g.node(in);
                    Row fromRow = rowOf.get(in);
                    if (fromRow != null && fromRow.index() == to.row().index()
                            && (src.step() == to.step() || fromRow.kind() == Kind.LOSS || fromRow.kind() == Kind.OUTPUT)) {
                        continue;
                    }
                    if (fromRow == null && !(src.is(Leaf.Kind.INPUT) && src.step() < 0)) {
                        continue;
                    }
                    String parameter = parameterOnPath(g, n, to);
                    String label = letter(parameter, multi);
                    Optional<Cell> from = fromRow == null ? Optional.empty() : Optional.ofNullable(cells.get(fromRow.index() + ":" + src.step()));
                    String key = from.map(Cell::key).orElse("init" + in) + "->" + to.key();
                    links.putIfAbsent(key, new Link(from, to, label, parameter, from.isEmpty() ? Optional.of(src) : Optional.empty()));
                }
            }
        }
        return List.copyOf(links.values());
    }

    /** The parameter of the first product the value meets inside its cell, or "" when there is none. */
    private static String parameterOnPath(Graph g, Node start, Cell cell) {
        Set<Integer> inCell = new java.util.HashSet<>();
        cell.nodes().forEach(n -> inCell.add(n.id()));
        Deque<Node> work = new ArrayDeque<>();
        work.add(start);
        Set<Integer> seen = new java.util.HashSet<>();
        while (!work.isEmpty()) {
            Node n = work.poll();
            if (!seen.add(n.id())) {
                continue;
            }
            if (n.op() instanceof MatMul || n.op() instanceof dev.unfold.op.Gather) {
                for (int in : n.inputs()) {
                    if (g.node(in).is(Leaf.Kind.PARAMETER)) {
                        return g.node(in).name();
                    }
                }
            }
            for (int user : g.consumers(n.id())) {
                if (inCell.contains(user) && seen.size() < 8) {
                    work.add(g.node(user));
                }
            }
        }
        return "";
    }

    /** The book's letter for a parameter: U input-to-hidden, W hidden-to-hidden, V hidden-to-output. */
    static String letter(String parameter, boolean multi) {
        Matcher m = Pattern.compile(".*_l(\\d+).*").matcher(parameter);
        String sub = multi && m.matches() ? subscript(Integer.parseInt(m.group(1)) + 1) : "";
        if (parameter.startsWith("weight_ih")) {
            return "U" + sub;
        }
        if (parameter.startsWith("weight_hh") || parameter.startsWith("weight_oh")) {
            return "W" + sub;
        }
        if (parameter.startsWith("decoder") || parameter.startsWith("weight_ho")) {
            return "V" + sub;
        }
        if (parameter.startsWith("embed")) {
            return "E";
        }
        return "";
    }

    static String scopeOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash);
    }

    static String superscript(int n) {
        return "⁽" + digits(n, "⁰¹²³⁴⁵⁶⁷⁸⁹") + "⁾";
    }

    static String subscript(int n) {
        return digits(n, "₀₁₂₃₄₅₆₇₈₉");
    }

    private static String digits(int n, String glyphs) {
        StringBuilder sb = new StringBuilder();
        for (char c : Integer.toString(n).toCharArray()) {
            sb.append(glyphs.charAt(c - '0'));
        }
        return sb.toString();
    }
}
