package dev.unfold.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a compiled executor spends its time: wall-clock nanoseconds and runs summed per kind of unit
 * (an operation's name, or a grouped product). Filled only by an executor built to profile, since
 * reading the clock around every unit costs time of its own.
 */
public final class ExecutionProfile {
    private final Map<String, long[]> byKind = new LinkedHashMap<>();

    synchronized void add(String kind, long nanos) {
        long[] t = byKind.computeIfAbsent(kind, k -> new long[2]);
        t[0] += nanos;
        t[1]++;
    }

    /** One kind of unit: its total time and how many times it ran. */
    public record Entry(String kind, long nanos, long runs) {
    }

    /** The kinds, most time first. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        byKind.forEach((k, t) -> out.add(new Entry(k, t[0], t[1])));
        out.sort(Comparator.comparingLong(Entry::nanos).reversed());
        return out;
    }

    public synchronized void clear() {
        byKind.clear();
    }
}
