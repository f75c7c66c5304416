package dev.unfold.bench;

import java.util.SplittableRandom;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;

/** oneDNN memory for the benchmarks' operands. */
final class NativeMemory {
    private NativeMemory() {
    }

    /** {@code m} filled with small values, as a trained model's: uninitialised memory would time denormals and NaNs instead of the kernel. */
    static memory filled(memory m, SplittableRandom random) {
        long n = m.get_desc().get_size() / Float.BYTES;
        FloatPointer data = new FloatPointer(m.get_data_handle()).capacity(n);
        for (long i = 0; i < n; i++) {
            data.put(i, (float) random.nextDouble(-0.1, 0.1));
        }
        return m;
    }

    /** A float32 memory descriptor of {@code dims} in the layout {@code tag}. */
    static memory.desc f32(memory.format_tag tag, long... dims) {
        return new memory.desc(new LongPointer(dims), memory.data_type.f32, tag);
    }
}
