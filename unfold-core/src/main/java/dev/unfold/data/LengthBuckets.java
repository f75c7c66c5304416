package dev.unfold.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Batches of sequences of similar lengths, so that padding stays small: each epoch shuffles the sequences
 * (seeded by the run's seed and the epoch), sorts each pool of {@value #POOL} batches' worth by length, cuts
 * the pools into batches and shuffles the batches. The same seed and epoch give the same batches.
 */
public final class LengthBuckets {
    /** Batches' worth of sequences sorted together. */
    public static final int POOL = 50;
    private final int[] lengths;
    private final int batch;
    private final long seed;
    private final PaddedLengths padded;

    /** A batch: the sequences (by index) and the steps it runs, its longest sequence's length. */
    public record Batch(int[] rows, int steps) {
        /** Steps of the batch that are padding. */
        public long padding(int[] lengths) {
            long real = Arrays.stream(rows).mapToLong(r -> lengths[r]).sum();
            return (long) rows.length * steps - real;
        }
    }

    public LengthBuckets(int[] lengths, int batch, long seed) {
        if (batch < 1 || lengths.length == 0) {
            throw new IllegalArgumentException("batches need at least one sequence and a batch of at least 1, got " + lengths.length + " and " + batch);
        }
        this.lengths = lengths.clone();
        this.padded = PaddedLengths.of(lengths);
        this.batch = batch;
        this.seed = seed;
    }

    /** The batches of epoch {@code epoch}; every sequence is in exactly one. */
    public List<Batch> epoch(long epoch) {
        Random rng = new Random(seed * 0x9E3779B97F4A7C15L + epoch);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rng);
        List<Batch> out = new ArrayList<>();
        int pool = POOL * batch;
        for (int from = 0; from < order.size(); from += pool) {
            List<Integer> part = new ArrayList<>(order.subList(from, Math.min(order.size(), from + pool)));
            part.sort((a, b) -> Integer.compare(lengths[a], lengths[b]));
            for (int i = 0; i < part.size(); i += batch) {
                int[] rows = part.subList(i, Math.min(part.size(), i + batch)).stream().mapToInt(Integer::intValue).toArray();
                out.add(new Batch(rows, padded.steps(Arrays.stream(rows).map(r -> lengths[r]).max().orElseThrow())));
            }
        }
        Collections.shuffle(out, rng);
        return out;
    }

    /** The share of an epoch's batched steps that are padding. */
    public double paddedShare(long epoch) {
        long padded = 0;
        long total = 0;
        for (Batch b : epoch(epoch)) {
            padded += b.padding(lengths);
            total += (long) b.rows().length * b.steps();
        }
        return (double) padded / total;
    }
}
