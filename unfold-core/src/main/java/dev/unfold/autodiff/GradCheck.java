package dev.unfold.autodiff;

import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.tensor.TensorFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The oracle for reverse mode: central differences {@code (L(θ+ε) − L(θ−ε)) / 2ε} in float64, element
 * by element, against the gradient the {@link Vjp} graph computes, for every parameter and input leaf.
 */
public final class GradCheck {
    /** Step of the central differences; with float64 its truncation and rounding errors are both ~1e-10. */
    public static final double EPSILON = 1e-6;
    /** Largest accepted relative error {@code ||a − n|| / max(||a||, ||n||)}. */
    public static final double TOLERANCE = 1e-6;

    private GradCheck() {
    }

    /** One leaf's comparison. */
    public record Entry(String name, Leaf.Kind kind, Shape shape, double analyticNorm, double numericNorm, double relativeError) {
        public boolean passed() {
            return relativeError <= TOLERANCE;
        }
    }

    /** All leaves' comparisons. */
    public record Report(List<Entry> entries) {
        public double worst() {
            return entries.stream().mapToDouble(Entry::relativeError).max().orElse(0);
        }

        public boolean passed() {
            return entries.stream().allMatch(Entry::passed);
        }
    }

    /** For graphs built by hand: {@link #check(Graph, String, Feeds)} with leaves fed by their labels. */
    public static Report check(Graph graph, String loss, Map<String, Tensor> byLabel) {
        return check(graph, loss, Feeds.byLabel(graph, byLabel));
    }

    /** Checks every parameter and input leaf of {@code graph} that the scalar output {@code loss} depends on. */
    public static Report check(Graph graph, String loss, Feeds feeds) {
        for (Node n : graph.nodes()) {
            if (n.dtype() != DType.F64) {
                throw new IllegalArgumentException("gradient checks need a float64 graph; " + n.name() + " is " + n.dtype());
            }
        }
        Vjp.Gradients grads = Vjp.of(graph, loss);
        Values values = Interpreter.run(grads.graph(), feeds);
        List<Entry> entries = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!(n.op() instanceof Leaf leaf) || leaf.kind() == Leaf.Kind.CONSTANT || !grads.has(n.id())) {
                continue;
            }
            Tensor analytic = values.get(grads.gradOf(n.id()));
            Tensor numeric = numericGradient(graph, loss, feeds, n.id());
            entries.add(new Entry(leaf.label(), leaf.kind(), n.shape(), analytic.norm(), numeric.norm(),
                    TensorFormat.relativeError(analytic, numeric)));
        }
        return new Report(entries);
    }

    /** {@code dL/d(leaf)} by central differences. */
    public static Tensor numericGradient(Graph graph, String loss, Feeds feeds, int leaf) {
        Tensor base = feeds.get(leaf);
        if (base == null) {
            throw new IllegalArgumentException("no value fed for " + graph.node(leaf).name());
        }
        double[] g = new double[base.size()];
        for (int i = 0; i < g.length; i++) {
            double v = base.get(i);
            double up = Interpreter.run(graph, feeds.with(leaf, base.withElement(i, v + EPSILON))).output(loss).get(0);
            double down = Interpreter.run(graph, feeds.with(leaf, base.withElement(i, v - EPSILON))).output(loss).get(0);
            g[i] = (up - down) / (2 * EPSILON);
        }
        return Tensor.wrap(base.shape(), g);
    }
}
