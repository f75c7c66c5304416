package dev.unfold.window;

import dev.unfold.nn.RecurrentModel;
import dev.unfold.tensor.DType;
import java.util.LinkedHashMap;
import java.util.Map;

/** Window graphs by shape, built on first use: a run sees only a few shapes, each reused for every update (the least recently used go past {@link #KEPT}). */
public final class WindowGraphs {
    private final RecurrentModel model;
    private final int batch;
    private final DType dtype;
    /** Shapes kept at most: sequences of their own lengths bring one per padded length. */
    static final int KEPT = 64;
    private final Map<String, WindowGraph> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WindowGraph> eldest) {
            return size() > KEPT;
        }
    };

    public WindowGraphs(RecurrentModel model, int batch, DType dtype) {
        this.model = model;
        this.batch = batch;
        this.dtype = dtype;
    }

    public int batch() {
        return batch;
    }

    public RecurrentModel model() {
        return model;
    }

    /** The window whose steps with a loss are marked in {@code lossAt}. */
    public synchronized WindowGraph get(boolean[] lossAt, WindowGraph.Mode mode) {
        StringBuilder key = new StringBuilder(mode.name()).append(':');
        for (boolean b : lossAt) {
            key.append(b ? '1' : '0');
        }
        return cache.computeIfAbsent(key.toString(), k -> WindowGraph.build(model, batch, lossAt, dtype, mode));
    }
}
