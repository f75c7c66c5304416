package dev.unfold.window;

import dev.unfold.data.Episode;
import dev.unfold.kernel.Layout;
import dev.unfold.nn.RecurrentState;
import dev.unfold.tensor.Tensor;
import java.util.Optional;

/**
 * What one run of a window reads besides the weights: steps {@code [start, start + L)} of an episode, the
 * state they start from, and, for a training window, its masks.
 */
public record WindowFeed(Episode episode, int start, RecurrentState initial, Masks masks) {
    public WindowFeed(Episode episode, int start, RecurrentState initial) {
        this(episode, start, initial, Masks.none());
    }

    /** Rows {@code [from, to)} of everything: a shard's feed. */
    public WindowFeed rows(int from, int to) {
        return new WindowFeed(rows(episode, from, to), start, initial.rows(from, to), masks.rows(from, to));
    }

    /** Rows {@code [from, to)} of an episode, a shard's, its loss weights scaled as the merge of shards weighs them. */
    public static Episode rows(Episode e, int from, int to) {
        return new Episode() {
            @Override
            public int length() {
                return e.length();
            }

            @Override
            public Tensor input(int t) {
                return Layout.slice(e.input(t), 0, from, to);
            }

            @Override
            public Optional<Tensor> target(int t) {
                return e.target(t).map(x -> Layout.slice(x, 0, from, to));
            }

            @Override
            public Optional<dev.unfold.nn.SequenceLengths> lengths() {
                return e.lengths().map(l -> l.rows(from, to));
            }

            /** A shard's weights, scaled by the batch's rows over the shard's, as the merge weighs each shard by its share of rows. */
            @Override
            public Optional<Tensor> weight(int t) {
                return e.weight(t).map(w -> {
                    Tensor part = Layout.slice(w, 0, from, to);
                    double scale = (double) w.shape().dim(0) / (to - from);
                    return Tensor.generate(part.dtype(), part.shape(), i -> part.get(i) * scale);
                });
            }
        };
    }
}
