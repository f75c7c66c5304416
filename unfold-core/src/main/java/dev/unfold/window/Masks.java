package dev.unfold.window;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Layout;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The mask values of one training window, in the order of its {@link WindowGraph#masks()}: drawn for the
 * whole batch from one generator, so that a batch split into shards reads the same rows it would read whole.
 */
public final class Masks {
    private static final Masks NONE = new Masks(List.of());
    private final List<Tensor> values;

    private Masks(List<Tensor> values) {
        this.values = List.copyOf(values);
    }

    public static Masks none() {
        return NONE;
    }

    /** Masks for {@code leaves}, in order, from {@code rng} (two elements per draw). */
    public static Masks draw(List<MaskLeaf> leaves, Rng rng, DType dtype) {
        List<Tensor> out = new ArrayList<>();
        for (MaskLeaf m : leaves) {
            double[] values = m.draw(m.node().shape().size(), rng);
            out.add(Tensor.generate(dtype, m.node().shape(), i -> values[i]));
        }
        return new Masks(out);
    }

    /**
     * The masks of {@code window}'s leaves, each drawn from a generator of its own seeded by {@code seed}, the leaf's
     * name and its step counted from the training window's start ({@code offset} plus its step in {@code window}):
     * so a mask is the same whether the window runs whole or cut into segments. Each is drawn for all {@code batch}
     * rows and rows {@code [from, to)} of it kept, so a shard reads the rows it would read whole.
     */
    public static Masks draw(WindowGraph window, long seed, int offset, int batch, int from, int to, DType dtype) {
        return draw(window.graph(), window.masks(), seed, offset, batch, from, to, dtype);
    }

    /** As {@link #draw(WindowGraph, long, int, int, int, int, DType)}, for the mask leaves {@code leaves} of {@code graph}. */
    static Masks draw(Graph graph, List<MaskLeaf> leaves, long seed, int offset, int batch, int from, int to, DType dtype) {
        List<Tensor> out = new ArrayList<>();
        for (MaskLeaf m : leaves) {
            Node node = graph.node(m.node().id());
            String stem = node.name().replaceFirst("\\[[0-9]+\\]$", "");
            int step = node.step() == Node.NO_STEP ? -1 : node.step() + offset;
            long key = seed * 0x9E3779B97F4A7C15L + stem.hashCode() * 0xC2B2AE3D27D4EB4FL + step * 0x165667B19E3779F9L;
            Shape whole = m.node().shape().with(0, batch);
            double[] values = m.draw(whole.size(), new Rng(key));
            int width = whole.size() / batch;
            out.add(Tensor.generate(dtype, m.node().shape().with(0, to - from), i -> values[from * width + i]));
        }
        return new Masks(out);
    }

    /** Masks for the window's leaves given as tensors (for tests: fixed masks). */
    public static Masks of(List<Tensor> values) {
        return new Masks(values);
    }

    public int size() {
        return values.size();
    }

    public Tensor get(int i) {
        return values.get(i);
    }

    /** Rows {@code [from, to)} of every mask: a shard's part. */
    public Masks rows(int from, int to) {
        List<Tensor> out = new ArrayList<>();
        values.forEach(t -> out.add(Layout.slice(t, 0, from, to)));
        return new Masks(out);
    }
}
