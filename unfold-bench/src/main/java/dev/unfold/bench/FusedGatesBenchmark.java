package dev.unfold.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An LSTM step's gates on oneDNN's matmul primitive, one thread: {@code product} is the per-step {@code h · W_hhᵀ}
 * alone (m × 4c over k, W prepacked), {@code productSummed} the same product with the step's sum as post-ops
 * ({@code + b_hh}, then {@code + (x W_ihᵀ + b_ih)}), {@code productBiasedOntoRow} the product with
 * {@code b_hh} as the primitive's bias, added onto the gathered row already in the output (a sum post-op), and
 * {@code gates} one primitive per gate, each writing its gate's σ or tanh of that sum ({@code W_hh}'s rows of the
 * gate prepacked, the gathered row read in place). What {@code gates} costs over {@code product} is to be set
 * against the passes it saves (the sum, the slices and the activations).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FusedGatesBenchmark {
    /** m x c x k: rows, hidden units (4c gate columns), inner dimension. */
    @Param({"16x256x256", "32x512x512"})
    public String shape;

    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private stream stream;
    private matmul plain;
    private final IntMemoryMap plainArgs = new IntMemoryMap();
    private matmul summed;
    private final IntMemoryMap summedArgs = new IntMemoryMap();
    private matmul biasedOnto;
    private final IntMemoryMap biasedOntoArgs = new IntMemoryMap();
    private final matmul[] gate = new matmul[4];
    private final IntMemoryMap[] gateArgs = new IntMemoryMap[4];

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        long m = Long.parseLong(p[0]);
        long c = Long.parseLong(p[1]);
        long k = Long.parseLong(p[2]);
        long n = 4 * c;
        stream = new stream(ENGINE);
        SplittableRandom random = new SplittableRandom(15);
        memory h = NativeMemory.filled(new memory(NativeMemory.f32(memory.format_tag.ab, m, k), ENGINE), random);
        memory w = NativeMemory.filled(new memory(NativeMemory.f32(memory.format_tag.ba, k, n), ENGINE), random);
        memory bias = NativeMemory.filled(new memory(NativeMemory.f32(memory.format_tag.ab, 1, n), ENGINE), random);
        memory row = NativeMemory.filled(new memory(NativeMemory.f32(memory.format_tag.ab, m, n), ENGINE), random);
        memory z = new memory(NativeMemory.f32(memory.format_tag.ab, m, n), ENGINE);

        plain = product(h, w, z, k, n, new primitive_attr(), plainArgs);

        post_ops sums = new post_ops();
        sums.append_binary(dnnl.algorithm.binary_add, NativeMemory.f32(memory.format_tag.ab, 1, n));
        sums.append_binary(dnnl.algorithm.binary_add, NativeMemory.f32(memory.format_tag.ab, m, n));
        primitive_attr summedAttr = new primitive_attr();
        summedAttr.set_post_ops(sums);
        summed = product(h, w, z, k, n, summedAttr, summedArgs);
        summedArgs.put(postOpSource(0), bias);
        summedArgs.put(postOpSource(1), row);

        post_ops onto = new post_ops();
        onto.append_sum();
        primitive_attr ontoAttr = new primitive_attr();
        ontoAttr.set_post_ops(onto);
        memory gathered = NativeMemory.filled(new memory(NativeMemory.f32(memory.format_tag.ab, m, n), ENGINE), random);
        biasedOnto = product(h, w, bias, gathered, k, n, ontoAttr, biasedOntoArgs);

        for (int g = 0; g < 4; g++) {
            post_ops ops = new post_ops();
            ops.append_binary(dnnl.algorithm.binary_add, NativeMemory.f32(memory.format_tag.ab, 1, c));
            memory.desc rowPart = NativeMemory.f32(memory.format_tag.ab, m, c);
            ops.append_binary(dnnl.algorithm.binary_add, rowPart);
            ops.append_eltwise(g == 2 ? dnnl.algorithm.eltwise_tanh : dnnl.algorithm.eltwise_logistic, 0f, 0f);
            primitive_attr attr = new primitive_attr();
            attr.set_post_ops(ops);
            memory wPart = new memory(NativeMemory.f32(memory.format_tag.ba, k, c), ENGINE, new FloatPointer(w.get_data_handle()).position(g * c * k));
            memory out = new memory(NativeMemory.f32(memory.format_tag.ab, m, c), ENGINE);
            gateArgs[g] = new IntMemoryMap();
            gate[g] = product(h, wPart, out, k, c, attr, gateArgs[g]);
            gateArgs[g].put(postOpSource(0), new memory(NativeMemory.f32(memory.format_tag.ab, 1, c), ENGINE, new FloatPointer(bias.get_data_handle()).position(g * c)));
            gateArgs[g].put(postOpSource(1), NativeMemory.filled(new memory(rowPart, ENGINE), random));
        }
    }

    /** A matmul of h by w into out, w reordered into the primitive's layout. */
    private matmul product(memory h, memory w, memory out, long k, long n, primitive_attr attr, IntMemoryMap args) {
        return product(h, w, null, out, k, n, attr, args);
    }

    /** The same, plus a bias row when {@code bias} is not null. */
    private matmul product(memory h, memory w, memory bias, memory out, long k, long n, primitive_attr attr, IntMemoryMap args) {
        memory.desc anyWeights = NativeMemory.f32(memory.format_tag.any, k, n);
        matmul.primitive_desc pd = bias == null
                ? new matmul.primitive_desc(ENGINE, h.get_desc(), anyWeights, out.get_desc(), attr, false)
                : new matmul.primitive_desc(ENGINE, h.get_desc(), anyWeights, bias.get_desc(), out.get_desc(), attr, false);
        memory packed = new memory(pd.weights_desc(), ENGINE);
        new reorder(w, packed).execute(stream, w, packed);
        stream._wait();
        args.put(dnnl.DNNL_ARG_SRC, h);
        args.put(dnnl.DNNL_ARG_WEIGHTS, packed);
        if (bias != null) {
            args.put(dnnl.DNNL_ARG_BIAS, bias);
        }
        args.put(dnnl.DNNL_ARG_DST, out);
        return new matmul(pd);
    }

    private static int postOpSource(int index) {
        return dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | dnnl.DNNL_ARG_SRC_1;
    }

    @Benchmark
    public stream product() {
        plain.execute(stream, plainArgs);
        stream._wait();
        return stream;
    }

    @Benchmark
    public stream productSummed() {
        summed.execute(stream, summedArgs);
        stream._wait();
        return stream;
    }

    /** The product with its bias row, added onto a row already in the output ({@code z = p + (h Wᵀ + b)}, a sum post-op). */
    @Benchmark
    public stream productBiasedOntoRow() {
        biasedOnto.execute(stream, biasedOntoArgs);
        stream._wait();
        return stream;
    }

    @Benchmark
    public stream gates() {
        for (int g = 0; g < 4; g++) {
            gate[g].execute(stream, gateArgs[g]);
        }
        stream._wait();
        return stream;
    }
}
