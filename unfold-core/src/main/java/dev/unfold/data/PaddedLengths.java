package dev.unfold.data;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * The lengths a data file's batches are padded to: each batch runs as many steps as the smallest of these that
 * holds its longest sequence. With at most {@value #MOST} distinct sequence lengths, every length is one (no
 * padding beyond the batch's own longest); with more, {@value #MOST} quantiles of the lengths (the longest among
 * them), so that a run over lengths 16 to 256 builds {@value #MOST} window graphs rather than 241, for a few
 * percent more padding.
 */
public final class PaddedLengths {
    /** Padded lengths at most. */
    public static final int MOST = 24;
    private final int[] lengths;

    private PaddedLengths(int[] lengths) {
        this.lengths = lengths;
    }

    /** The padded lengths for sequences of {@code lengths}. */
    public static PaddedLengths of(int[] lengths) {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("no sequences");
        }
        int[] sorted = lengths.clone();
        Arrays.sort(sorted);
        TreeSet<Integer> distinct = new TreeSet<>();
        Arrays.stream(sorted).forEach(distinct::add);
        if (distinct.size() <= MOST) {
            return new PaddedLengths(distinct.stream().mapToInt(Integer::intValue).toArray());
        }
        TreeSet<Integer> picked = new TreeSet<>();
        for (int q = 1; q <= MOST; q++) {
            picked.add(sorted[(int) Math.ceil((double) q * sorted.length / MOST) - 1]);
        }
        picked.add(sorted[sorted.length - 1]);
        return new PaddedLengths(picked.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The steps a batch whose longest sequence has {@code longest} steps runs. */
    public int steps(int longest) {
        int i = Arrays.binarySearch(lengths, longest);
        if (i >= 0) {
            return longest;
        }
        int above = -i - 1;
        return above < lengths.length ? lengths[above] : longest;
    }

    /** How many distinct padded lengths there are. */
    public int count() {
        return lengths.length;
    }
}
