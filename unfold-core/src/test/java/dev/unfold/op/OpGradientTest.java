package dev.unfold.op;

import static dev.unfold.testkit.GradAssertions.assertGradientsMatch;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.kernel.Gemm;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import dev.unfold.testkit.Fixtures;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's VJP against central differences. Each case builds {@code L = Σ R ⊙ op(inputs)} with a
 * random R, so every output element weighs into the loss differently.
 */
class OpGradientTest {
    private static final DType F64 = DType.F64;

    static Stream<Arguments> ops() {
        return Stream.of(
                unary("tanh", Shape.of(3, 4), (b, x) -> b.tanh(x)),
                unary("sigmoid", Shape.of(3, 4), (b, x) -> b.sigmoid(x)),
                unary("relu", Shape.of(3, 4), (b, x) -> b.relu(x)),
                unary("affine", Shape.of(2, 3), (b, x) -> b.affine(-2.5, 0.5, x)),
                unary("slice", Shape.of(2, 6), (b, x) -> b.apply(new Slice(1, 2, 5), x)),
                unary("pad", Shape.of(2, 3), (b, x) -> b.apply(new Pad(1, 1, 5), x)),
                unary("reshape", Shape.of(2, 6), (b, x) -> b.reshape(x, Shape.of(3, 4))),
                unary("sum-to-row", Shape.of(3, 4), (b, x) -> b.apply(new SumTo(Shape.of(4)), x)),
                unary("sum-to-column", Shape.of(3, 4), (b, x) -> b.apply(new SumTo(Shape.of(3, 1)), x)),
                unary("broadcast", Shape.of(4), (b, x) -> b.apply(new BroadcastTo(Shape.of(3, 4)), x)),
                unary("softmax", Shape.of(3, 5), (b, x) -> b.apply(new Softmax(), x)),
                binary("add", Shape.of(3, 4), Shape.of(3, 4), GraphBuilder::add),
                binary("add-bias", Shape.of(3, 4), Shape.of(4), GraphBuilder::add),
                binary("mul", Shape.of(3, 4), Shape.of(3, 4), GraphBuilder::mul),
                binary("mul-broadcast", Shape.of(3, 1), Shape.of(1, 4), GraphBuilder::mul),
                binary("same-input", Shape.of(3, 4), Shape.of(3, 4), (b, x, y) -> b.mul(x, x)),
                binary("concat", Shape.of(2, 3), Shape.of(2, 2), (b, x, y) -> b.concat(1, java.util.List.of(x, y, x))),
                binary("matmul NN", Shape.of(3, 4), Shape.of(4, 5), (b, x, y) -> b.apply(new MatMul(Gemm.Op.N, Gemm.Op.N), x, y)),
                binary("matmul NT", Shape.of(3, 4), Shape.of(5, 4), (b, x, y) -> b.apply(new MatMul(Gemm.Op.N, Gemm.Op.T), x, y)),
                binary("matmul TN", Shape.of(4, 3), Shape.of(4, 5), (b, x, y) -> b.apply(new MatMul(Gemm.Op.T, Gemm.Op.N), x, y)),
                binary("matmul TT", Shape.of(4, 3), Shape.of(5, 4), (b, x, y) -> b.apply(new MatMul(Gemm.Op.T, Gemm.Op.T), x, y)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void vjpMatchesCentralDifferences(String name, Builder build) {
        GraphBuilder b = new GraphBuilder();
        Var y = build.apply(b);
        Var r = b.input("R", y.shape(), F64);
        b.output("loss", b.sum(b.mul(r, y)));
        var g = b.build();
        assertGradientsMatch(g, "loss", Fixtures.randomFeeds(g, Fixtures.rng()));
    }

    @ParameterizedTest(name = "softmax cross-entropy, {0} rows")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4})
    void softmaxCrossEntropy(int rows) {
        GraphBuilder b = new GraphBuilder();
        Var z = b.parameter("z", Shape.of(rows, 5), F64);
        Var t = b.input("t", Shape.of(rows), F64);
        b.output("loss", b.apply(new SoftmaxCrossEntropy(), z, t));
        Random rng = Fixtures.rng();
        Map<String, Tensor> feeds = Map.of("z", Fixtures.uniform(Shape.of(rows, 5), rng),
                "t", Tensor.generate(F64, Shape.of(rows), i -> (i * 3 + 1) % 5));
        assertGradientsMatch(b.build(), "loss", feeds);
    }

    @org.junit.jupiter.api.Test
    void weightedCrossEntropy() {
        GraphBuilder b = new GraphBuilder();
        Var z = b.parameter("z", Shape.of(4, 5), F64);
        Var t = b.input("t", Shape.of(4), F64);
        Var w = b.input("w", Shape.of(4, 1), F64);
        b.output("loss", b.apply(new WeightedCrossEntropy(), z, t, w));
        Random rng = Fixtures.rng();
        Map<String, Tensor> feeds = Map.of("z", Fixtures.uniform(Shape.of(4, 5), rng),
                "t", Tensor.generate(F64, Shape.of(4), i -> (i * 3 + 1) % 5), "w", Tensor.wrap(Shape.of(4, 1), new double[] {0.5, 0, 0.25, 0.25}));
        assertGradientsMatch(b.build(), "loss", feeds);
        GraphBuilder plain = new GraphBuilder();
        Var z2 = plain.parameter("z", Shape.of(4, 5), F64);
        plain.output("loss", plain.apply(new SoftmaxCrossEntropy(), z2, plain.input("t", Shape.of(4), F64)));
        Map<String, Tensor> even = Map.of("z", feeds.get("z"), "t", feeds.get("t"), "w", Tensor.full(F64, Shape.of(4, 1), 0.25));
        var weightedGraph = b.build();
        var plainGraph = plain.build();
        double weighted = dev.unfold.exec.Interpreter.run(weightedGraph, even).get(weightedGraph.outputs().get("loss")).get(0);
        double mean = dev.unfold.exec.Interpreter.run(plainGraph, Map.of("z", feeds.get("z"), "t", feeds.get("t"))).get(plainGraph.outputs().get("loss")).get(0);
        org.junit.jupiter.api.Assertions.assertEquals(mean, weighted, 1e-12);
    }

    @org.junit.jupiter.api.Test
    void gatherSumsRepeatedRows() {
        GraphBuilder b = new GraphBuilder();
        Var table = b.parameter("table", Shape.of(4, 3), F64);
        Var idx = b.input("idx", Shape.of(5), F64);
        Var rows = b.apply(new Gather(), table, idx);
        Var r = b.input("R", rows.shape(), F64);
        b.output("loss", b.sum(b.mul(r, rows)));
        Random rng = Fixtures.rng();
        Map<String, Tensor> feeds = Map.of("table", Fixtures.uniform(Shape.of(4, 3), rng),
                "idx", Tensor.wrap(Shape.of(5), new double[] {2, 0, 2, 3, 2}), "R", Fixtures.uniform(Shape.of(5, 3), rng));
        assertGradientsMatch(b.build(), "loss", feeds);
    }

    @FunctionalInterface
    interface Builder {
        Var apply(GraphBuilder b);
    }

    @FunctionalInterface
    interface Binary {
        Var apply(GraphBuilder b, Var x, Var y);
    }

    private static Arguments unary(String name, Shape shape, BiFunction<GraphBuilder, Var, Var> f) {
        Builder build = b -> f.apply(b, b.parameter("x", shape, F64));
        return Arguments.of(name, build);
    }

    private static Arguments binary(String name, Shape a, Shape bShape, Binary f) {
        Builder build = b -> f.apply(b, b.parameter("x", a, F64), b.parameter("y", bShape, F64));
        return Arguments.of(name, build);
    }
}
