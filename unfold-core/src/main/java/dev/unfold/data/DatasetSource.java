package dev.unfold.data;

import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Rng;
import java.util.List;

/**
 * Training batches of a data file's sequences: each epoch's sequences bucketed by length
 * ({@link LengthBuckets}, seeded by the run's seed and the epoch), in batches of B (an epoch's one smaller
 * batch is left out, a different one each epoch); episode {@code i} is batch {@code i mod n} of epoch
 * {@code i / n}. Each batch is one episode, padded to its longest sequence.
 */
public final class DatasetSource implements SequenceSource {
    private final SequenceStore data;
    private final int batch;
    private final LengthBuckets buckets;
    private final int perEpoch;
    private long cachedEpoch = -1;
    private List<LengthBuckets.Batch> cached;

    /** Batches of {@code batch} sequences (all of them when there are fewer). */
    public DatasetSource(SequenceStore data, int batch, long seed) {
        this.data = data;
        this.batch = Math.min(batch, data.size());
        this.buckets = new LengthBuckets(data.lengths(), this.batch, seed);
        this.perEpoch = data.size() / this.batch;
    }

    @Override
    public int batch() {
        return batch;
    }

    /** Batches in an epoch. */
    public int batchesPerEpoch() {
        return perEpoch;
    }

    public SequenceStore data() {
        return data;
    }

    @Override
    public SequenceModelSpec.Input input(int embedding) {
        DataTables t = data.tables();
        return t.symbols().isPresent() ? new SequenceModelSpec.Input(SequenceModelSpec.InputKind.TOKENS, t.inputSize(), embedding)
                : new SequenceModelSpec.Input(SequenceModelSpec.InputKind.VECTORS, t.inputSize(), 0);
    }

    @Override
    public SequenceModelSpec.Output output() {
        DataTables t = data.tables();
        return new SequenceModelSpec.Output(t.task().classes() ? SequenceModelSpec.OutputKind.CLASSES : SequenceModelSpec.OutputKind.VALUES,
                t.outputSize(), t.task().perStep() ? SequenceModelSpec.Reads.EVERY_STEP : SequenceModelSpec.Reads.FINAL_STATE);
    }

    @Override
    public synchronized Episode episode(long index, Rng rng, DType dtype) {
        long epoch = index / perEpoch;
        if (epoch != cachedEpoch) {
            cached = buckets.epoch(epoch).stream().filter(b -> b.rows().length == batch).toList();
            cachedEpoch = epoch;
        }
        return data.batch(cached.get((int) (index % perEpoch)).rows(), dtype);
    }

    /** The share of an epoch's batched steps that are padding. */
    public double paddedShare() {
        return buckets.paddedShare(0);
    }
}
