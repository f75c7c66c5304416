package dev.unfold.exec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The buffers of every program compiled from one graph (one per set of kept values): a program's i-th buffer of a
 * size is the pool's i-th of that size, so the graph holds, per size, as many as its largest program needs rather
 * than the sum over its programs; and the scratch its grouped products stack their operands in, shared by every
 * unit of them (each uses it only while it runs). Programs of one graph run one at a time, holding the pool's lock.
 */
final class BufferPool {
    private final Map<Integer, List<float[]>> bySize = new HashMap<>();
    private final List<float[]> scratch = new ArrayList<>();

    /** The {@code index}-th buffer of {@code size} floats, made on first request. */
    synchronized float[] get(int size, int index) {
        List<float[]> list = bySize.computeIfAbsent(size, s -> new ArrayList<>());
        while (list.size() <= index) {
            list.add(new float[size]);
        }
        return list.get(index);
    }

    /** Scratch {@code slot} with room for at least {@code size} floats (a unit's operands use distinct slots), grown when asked for more. */
    synchronized float[] scratch(int slot, int size) {
        while (scratch.size() <= slot) {
            scratch.add(new float[0]);
        }
        if (scratch.get(slot).length < size) {
            scratch.set(slot, new float[size]);
        }
        return scratch.get(slot);
    }
}
