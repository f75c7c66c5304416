package dev.unfold.dnnl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;

/**
 * One calling thread's oneDNN stream and the primitives it made, by what each was made for, the least recently used
 * dropped past a bound (a primitive is made once per shape and thread: making one costs far more than running it).
 */
final class ThreadPrimitives<K, P> {
    final stream stream;
    private final Map<K, P> byKey;
    private final Function<K, P> make;

    ThreadPrimitives(engine engine, int kept, Function<K, P> make) {
        this.stream = new stream(engine);
        this.make = make;
        this.byKey = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, P> eldest) {
                return size() > kept;
            }
        };
    }

    P of(K key) {
        return byKey.computeIfAbsent(key, make);
    }
}
