package dev.unfold.viz;

import dev.unfold.graph.Direction;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;
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

/**
 * An unfolded graph seen as the book draws it: a grid of cells, one column per time step and one row per
 * role (inputs x, each layer's state h and direction, outputs o, losses L), with the links between cells
 * labelled by the parameter they apply (U, W, V for the Elman network). Rows and links are read from the
 * nodes' roles and steps; a node without a model role goes where its data flows (into a layer: an input;
 * out of a loss: the loss; else an output).
 */
public final class UnfoldedView {
    /** The role of a row. */
    public enum Kind { INPUT, LAYER, OUTPUT, LOSS }

    /** One row, bottom to top in {@link #rows()} order; {@code place} is its recurrent layer and direction for a layer row. */
    public record Row(int index, Kind kind, Role.Layer place, String symbol) {
        /** The layer's name ({@code l0}, {@code l1_reverse}), or "" for rows outside the layers. */
        public String scope() {
            return place.scope();
        }

        public int layer() {
            return place.index();
        }

        public boolean reverse() {
            return place.direction() == Direction.REVERSE;
        }
    }

    /** The nodes of one row at one step. */
    public record Cell(Row row, int step, List<Node> nodes) {
        public String key() {
            return row.index() + ":" + step;
        }
    }

    /**
     * A dropout or zoneout mask and the cells that read it. A variational mask is {@code shared}: one node
     * outside time read by every step, as a parameter is; the others belong to one step.
     */
    public record Mask(Node node, boolean shared, List<Cell> readers) {
        /** The mask's symbol: m for dropout, z for zoneout, with what a shared mask masks as a subscript (mₓ, mₕ). */
        public String symbol() {
            String local = node.name().substring(node.name().lastIndexOf('/') + 1);
            String base = local.startsWith("zone_") ? "z" : "m";
            if (!shared) {
                return base;
            }
            return base + (local.startsWith("mask_x") ? "ₓ" : "ₕ");
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
    private final List<Mask> masks;
    private final boolean multiLayer;
    private int paddedFrom = Integer.MAX_VALUE;

    private UnfoldedView(Graph graph, List<Row> rows, int steps, Map<String, Cell> cells, List<Link> links, List<Mask> masks, boolean multiLayer) {
        this.graph = graph;
        this.rows = rows;
        this.steps = steps;
        this.cells = cells;
        this.links = links;
        this.masks = masks;
        this.multiLayer = multiLayer;
    }

    public static UnfoldedView of(Graph g) {
        Kind[] kinds = new Kind[g.size()];
        classify(g, kinds);
        Map<RowKey, Row> rowByKey = rows(g, kinds);
        List<Row> rows = new ArrayList<>(rowByKey.values());
        Map<String, List<Node>> members = new LinkedHashMap<>();
        Map<Integer, Row> rowOf = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (n.step() >= 0 && kinds[n.id()] != null) {
                Row r = rowByKey.get(rowKey(kinds[n.id()], n));
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
        return new UnfoldedView(g, rows, g.steps(), cells, links, masks(g, rowOf, cells), multi);
    }

    public Graph graph() {
        return graph;
    }

    /**
     * Marks steps {@code from} onwards as padding: the drawn sequence ended before them, so they keep its state
     * and emit zeros (their validity leaf is 0); returns this view.
     */
    public UnfoldedView paddedFrom(int from) {
        this.paddedFrom = from;
        return this;
    }

    /** Whether step {@code t} is padding after the drawn sequence's end. */
    public boolean padded(int t) {
        return t >= paddedFrom;
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

    /** The masks of a training graph, in node order: none in an evaluation graph. */
    public List<Mask> masks() {
        return masks;
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

    /** Which row a node belongs to: by its role, or where its data flows when it has none. */
    private static void classify(Graph g, Kind[] kinds) {
        boolean[] feedsLayer = new boolean[g.size()];
        for (int id = g.size() - 1; id >= 0; id--) {
            for (int user : g.consumers(id)) {
                if (!g.node(user).role().layer().isNone() || feedsLayer[user]) {
                    feedsLayer[id] = true;
                }
            }
        }
        for (Node n : g.nodes()) {
            if (n.step() < 0 || n.is(Leaf.Kind.PARAMETER) || n.is(Leaf.Kind.CONSTANT) || n.role().kind() == Role.Kind.MASK) {
                continue;
            }
            Role r = n.role();
            kinds[n.id()] = switch (r.kind()) {
                case GRADIENT -> null;
                case INPUT -> r.layer().isNone() ? Kind.INPUT : Kind.LAYER;
                case LOSS, TARGET, PROBE -> Kind.LOSS;
                case STATE, GATE -> Kind.LAYER;
                case OUTPUT -> r.layer().isNone() ? Kind.OUTPUT : Kind.LAYER;
                default -> flow(n, kinds, feedsLayer);
            };
        }
    }

    private static Kind flow(Node n, Kind[] kinds, boolean[] feedsLayer) {
        if (feedsLayer[n.id()]) {
            return Kind.INPUT;
        }
        return n.inputs().stream().anyMatch(i -> kinds[i] == Kind.LOSS) ? Kind.LOSS : Kind.OUTPUT;
    }

    /** A row's identity: its kind, and for a layer row its layer and direction. */
    private record RowKey(Kind kind, Role.Layer place) {
        int rank() {
            int layer = place.isNone() ? 0 : place.index() * 2 + place.direction().index();
            return kind.ordinal() * 10_000 + layer;
        }
    }

    private static Map<RowKey, Row> rows(Graph g, Kind[] kinds) {
        Set<RowKey> keys = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            if (kinds[n.id()] != null) {
                keys.add(rowKey(kinds[n.id()], n));
            }
        }
        List<RowKey> ordered = new ArrayList<>(keys);
        ordered.sort(Comparator.comparingInt(RowKey::rank));
        Map<RowKey, Row> rows = new LinkedHashMap<>();
        for (RowKey k : ordered) {
            String symbol = switch (k.kind()) {
                case INPUT -> "x";
                case LAYER -> "h";
                case OUTPUT -> "o";
                case LOSS -> "L";
            };
            rows.put(k, new Row(rows.size(), k.kind(), k.place(), symbol));
        }
        return rows;
    }

    private static RowKey rowKey(Kind kind, Node n) {
        return new RowKey(kind, kind == Kind.LAYER ? n.role().layer() : Role.Layer.NONE);
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
                    if (fromRow == null && !(src.is(Leaf.Kind.INPUT) && src.step() < 0 && src.role().kind() != Role.Kind.MASK)) {
                        continue;
                    }
                    Optional<Node> weight = parameterOnPath(g, n, to);
                    String parameter = weight.map(Node::name).orElse("");
                    String label = weight.map(w -> letter(w.role(), multi)).orElse("");
                    Optional<Cell> from = fromRow == null ? Optional.empty() : Optional.ofNullable(cells.get(fromRow.index() + ":" + src.step()));
                    String key = from.map(Cell::key).orElse("init" + in) + "->" + to.key();
                    links.putIfAbsent(key, new Link(from, to, label, parameter, from.isEmpty() ? Optional.of(src) : Optional.empty()));
                }
            }
        }
        return List.copyOf(links.values());
    }

    private static List<Mask> masks(Graph g, Map<Integer, Row> rowOf, Map<String, Cell> cells) {
        List<Mask> masks = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.role().kind() != Role.Kind.MASK || !(n.op() instanceof Leaf)) {
                continue;
            }
            Set<Cell> readers = new LinkedHashSet<>();
            for (int user : g.consumers(n.id())) {
                Row r = rowOf.get(user);
                if (r != null) {
                    readers.add(cells.get(r.index() + ":" + g.node(user).step()));
                }
            }
            masks.add(new Mask(n, n.step() < 0, List.copyOf(readers)));
        }
        return List.copyOf(masks);
    }

    /** The parameter of the first product the value meets inside its cell, if any. */
    private static Optional<Node> parameterOnPath(Graph g, Node start, Cell cell) {
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
                        return Optional.of(g.node(in));
                    }
                }
            }
            for (int user : g.consumers(n.id())) {
                if (inCell.contains(user) && seen.size() < 8) {
                    work.add(g.node(user));
                }
            }
        }
        return Optional.empty();
    }

    /** The book's letter for a parameter: U input-to-hidden, W hidden-to-hidden, V hidden-to-output, with its layer when there are several. */
    static String letter(Role role, boolean multi) {
        String letter = role.part().letter();
        if (letter.isEmpty() || role.part() == Role.Part.EMBEDDING) {
            return letter;
        }
        return letter + (multi && !role.layer().isNone() ? subscript(role.layer().index() + 1) : "");
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
