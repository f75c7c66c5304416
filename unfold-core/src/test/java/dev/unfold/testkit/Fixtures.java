package dev.unfold.testkit;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.op.Leaf;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Seeded random feeds for graphs under test. */
public final class Fixtures {
    /** Seed of every random draw in the tests, so a failure reproduces. */
    public static final long SEED = 20261126L;

    private Fixtures() {
    }

    public static Random rng() {
        return new Random(SEED);
    }

    /** Uniform values in [-1, 1) for every parameter and input leaf of {@code g}, in its precision. */
    public static Map<String, Tensor> randomFeeds(Graph g, Random rng) {
        Map<String, Tensor> feeds = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n.op() instanceof Leaf leaf && leaf.kind() != Leaf.Kind.CONSTANT) {
                feeds.put(leaf.label(), Tensor.uniform(n.dtype(), n.shape(), -1, 1, rng));
            }
        }
        return feeds;
    }

    /** {@code n} floats drawn uniformly from [-0.5, 0.5), in order. */
    public static float[] centred(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rng.nextFloat() - 0.5f;
        }
        return x;
    }

    public static Tensor uniform(Shape shape, Random rng) {
        return Tensor.uniform(dev.unfold.tensor.DType.F64, shape, -1, 1, rng);
    }
}
