package dev.unfold.spark;

import dev.unfold.data.Episode;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.tensor.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A partition's rows of an episode, every step of it: the inputs, the targets and loss weights where there are
 * any, and the rows' lengths. Sent to its partition once per episode and kept there, so that each window ships only
 * what changes between updates.
 */
record EpisodeShard(StepColumn inputs, StepColumn targets, StepColumn weights, int[] lengths) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every step of {@code rows}, a shard's rows of an episode (its loss weights already scaled as the merge weighs shards). */
    static EpisodeShard of(Episode rows) {
        int length = rows.length();
        List<Optional<Tensor>> in = new ArrayList<>();
        List<Optional<Tensor>> tg = new ArrayList<>();
        List<Optional<Tensor>> wt = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            in.add(Optional.of(rows.input(t)));
            tg.add(rows.target(t));
            wt.add(rows.weight(t));
        }
        int[] lengths = rows.lengths().map(l -> {
            int[] out = new int[l.batch()];
            for (int b = 0; b < out.length; b++) {
                out[b] = l.length(b);
            }
            return out;
        }).orElse(null);
        return new EpisodeShard(StepColumn.of(in), StepColumn.of(tg), StepColumn.of(wt), lengths);
    }

    /** The rows as an episode again. */
    Episode episode() {
        Optional<SequenceLengths> l = lengths == null ? Optional.empty() : Optional.of(SequenceLengths.of(inputs.length(), lengths));
        return new Episode() {
            @Override
            public int length() {
                return inputs.length();
            }

            @Override
            public Tensor input(int t) {
                return inputs.at(t).orElseThrow();
            }

            @Override
            public Optional<Tensor> target(int t) {
                return targets.at(t);
            }

            @Override
            public Optional<SequenceLengths> lengths() {
                return l;
            }

            @Override
            public Optional<Tensor> weight(int t) {
                return weights.at(t);
            }
        };
    }

    long bytes() {
        return (lengths == null ? 0 : 4L * lengths.length) + inputs.bytes() + targets.bytes() + weights.bytes();
    }
}
