package dev.unfold.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Losses;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.testkit.Fixtures;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Elman network with outputs of Deep Learning §10.2 (eq. 10.8-10.11): a = b + W h(t−1) + U x(t),
 * h = tanh(a), o = c + V h, ŷ = softmax(o), L = Σ_t −log ŷ(t)[y(t)]. The test evaluates the book's BPTT
 * equations 10.16-10.28 directly, with plain loops, and shows that autodiff on the unfolded graph
 * gives the same gradients.
 */
class BookBpttTest {
    private static final int T = 6;
    private static final int IN = 3;
    private static final int H = 4;
    private static final int OUT = 5;
    private static final double TOLERANCE = 1e-12;

    @Test
    void autodiffEqualsTheBooksBpttEquations() {
        Random rng = Fixtures.rng();
        double[][] u = random(H, IN, rng);
        double[][] w = random(H, H, rng);
        double[][] v = random(OUT, H, rng);
        double[] bIh = random(1, H, rng)[0];
        double[] bHh = random(1, H, rng)[0];
        double[] c = random(1, OUT, rng)[0];
        double[] h0 = random(1, H, rng)[0];
        double[][] x = random(T, IN, rng);
        int[] y = new int[T];
        for (int t = 0; t < T; t++) {
            y[t] = rng.nextInt(OUT);
        }

        GraphBuilder b = new GraphBuilder();
        RecurrentNetwork.Unfolded net = new RecurrentNetwork(new RecurrentSpec(CellType.RNN_TANH, IN, H, 1, RecurrentSpec.Directions.ONE))
                .unfold(b, T, 1, DType.F64);
        Var vW = b.parameter("V", Shape.of(OUT, H), DType.F64);
        Var cB = b.parameter("c", Shape.of(OUT), DType.F64);
        Var loss = null;
        for (int t = 0; t < T; t++) {
            Var o = b.at(t).linear(net.outputs().get(t), vW, cB);
            Var lt = Losses.softmaxCrossEntropy(b, o, b.input("y[" + t + "]", Shape.of(1), DType.F64));
            loss = loss == null ? lt : b.add(loss, lt);
        }
        b.output("loss", loss);
        Graph g = b.build();

        Map<String, Tensor> feeds = new HashMap<>();
        feeds.put("weight_ih_l0", matrix(u));
        feeds.put("weight_hh_l0", matrix(w));
        feeds.put("bias_ih_l0", vector(bIh));
        feeds.put("bias_hh_l0", vector(bHh));
        feeds.put("V", matrix(v));
        feeds.put("c", vector(c));
        feeds.put("h0_l0", Tensor.wrap(Shape.of(1, H), h0.clone()));
        for (int t = 0; t < T; t++) {
            feeds.put("x[" + t + "]", Tensor.wrap(Shape.of(1, IN), x[t].clone()));
            feeds.put("y[" + t + "]", Tensor.wrap(Shape.of(1), new double[] {y[t]}));
        }
        Vjp.Gradients grads = Vjp.of(g, "loss");
        Values values = Interpreter.run(grads.graph(), feeds);

        Book book = new Book(u, w, v, add(bIh, bHh), c, h0, x, y);
        assertEquals(book.loss, values.output("loss").get(0), TOLERANCE, "L (10.12-10.14)");
        assertClose(book.gradU, grad(g, grads, values, "weight_ih_l0"), "∇_U L (10.28)");
        assertClose(book.gradW, grad(g, grads, values, "weight_hh_l0"), "∇_W L (10.26)");
        assertClose(new double[][] {book.gradB}, grad(g, grads, values, "bias_ih_l0"), "∇_b L (10.23), via bias_ih");
        assertClose(new double[][] {book.gradB}, grad(g, grads, values, "bias_hh_l0"), "∇_b L (10.23), via bias_hh");
        assertClose(book.gradV, grad(g, grads, values, "V"), "∇_V L (10.24)");
        assertClose(new double[][] {book.gradC}, grad(g, grads, values, "c"), "∇_c L (10.22)");
        assertClose(new double[][] {book.gradH0}, grad(g, grads, values, "h0_l0"), "∇_h(0) L (10.21 at t = 0)");
        for (int t = 0; t < T; t++) {
            Tensor gh = values.get(grads.gradOf(net.outputs().get(t).id()));
            assertClose(new double[][] {book.gradH[t]}, gh, "∇_h(" + (t + 1) + ") L (10.20-10.21)");
        }
    }

    /** The book's forward pass and BPTT equations, written as the book writes them. */
    private static final class Book {
        final double loss;
        final double[][] gradU;
        final double[][] gradW;
        final double[][] gradV;
        final double[] gradB;
        final double[] gradC;
        final double[] gradH0;
        final double[][] gradH;

        Book(double[][] u, double[][] w, double[][] v, double[] b, double[] c, double[] h0, double[][] x, int[] y) {
            double[][] h = new double[T + 1][];
            double[][] yHat = new double[T + 1][];
            h[0] = h0;
            double l = 0;
            for (int t = 1; t <= T; t++) {
                double[] a = add(b, add(mul(w, h[t - 1]), mul(u, x[t - 1])));
                h[t] = tanh(a);
                yHat[t] = softmax(add(c, mul(v, h[t])));
                l -= Math.log(yHat[t][y[t - 1]]);
            }
            loss = l;
            double[][] gradO = new double[T + 1][];
            for (int t = 1; t <= T; t++) {
                gradO[t] = yHat[t].clone();
                gradO[t][y[t - 1]] -= 1;
            }
            double[][] gh = new double[T + 1][];
            gh[T] = mul(transpose(v), gradO[T]);
            for (int t = T - 1; t >= 1; t--) {
                gh[t] = add(mul(transpose(w), hadamard(oneMinusSquare(h[t + 1]), gh[t + 1])), mul(transpose(v), gradO[t]));
            }
            gradH0 = mul(transpose(w), hadamard(oneMinusSquare(h[1]), gh[1]));
            gradH = new double[T][];
            double[] gc = new double[c.length];
            double[] gb = new double[b.length];
            double[][] gv = new double[v.length][v[0].length];
            double[][] gw = new double[w.length][w[0].length];
            double[][] gu = new double[u.length][u[0].length];
            for (int t = 1; t <= T; t++) {
                gradH[t - 1] = gh[t];
                double[] da = hadamard(oneMinusSquare(h[t]), gh[t]);
                gc = add(gc, gradO[t]);
                gb = add(gb, da);
                addOuter(gv, gradO[t], h[t]);
                addOuter(gw, da, h[t - 1]);
                addOuter(gu, da, x[t - 1]);
            }
            gradC = gc;
            gradB = gb;
            gradV = gv;
            gradW = gw;
            gradU = gu;
        }
    }

    private static Tensor grad(Graph g, Vjp.Gradients grads, Values values, String name) {
        return values.get(grads.gradOf(g.find(name).orElseThrow().id()));
    }

    private static void assertClose(double[][] expected, Tensor actual, String what) {
        int cols = expected[0].length;
        assertEquals(expected.length * cols, actual.size(), what + ": size");
        for (int i = 0; i < actual.size(); i++) {
            double e = expected[i / cols][i % cols];
            assertTrue(Math.abs(e - actual.get(i)) <= TOLERANCE * Math.max(1, Math.abs(e)),
                    what + ": element " + i + " is " + actual.get(i) + ", the book gives " + e);
        }
    }

    private static double[][] random(int rows, int cols, Random rng) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextDouble() * 2 - 1;
            }
        }
        return m;
    }

    private static Tensor matrix(double[][] m) {
        return Tensor.generate(DType.F64, Shape.of(m.length, m[0].length), i -> m[i / m[0].length][i % m[0].length]);
    }

    private static Tensor vector(double[] v) {
        return Tensor.wrap(Shape.of(v.length), v.clone());
    }

    private static double[] mul(double[][] m, double[] v) {
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < v.length; j++) {
                r[i] += m[i][j] * v[j];
            }
        }
        return r;
    }

    private static double[][] transpose(double[][] m) {
        double[][] r = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                r[j][i] = m[i][j];
            }
        }
        return r;
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static double[] hadamard(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }

    private static double[] tanh(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.tanh(a[i]);
        }
        return r;
    }

    private static double[] oneMinusSquare(double[] h) {
        double[] r = new double[h.length];
        for (int i = 0; i < h.length; i++) {
            r[i] = 1 - h[i] * h[i];
        }
        return r;
    }

    private static double[] softmax(double[] o) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : o) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] r = new double[o.length];
        for (int i = 0; i < o.length; i++) {
            r[i] = Math.exp(o[i] - max);
            sum += r[i];
        }
        for (int i = 0; i < o.length; i++) {
            r[i] /= sum;
        }
        return r;
    }

    private static void addOuter(double[][] m, double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                m[i][j] += a[i] * b[j];
            }
        }
    }
}
