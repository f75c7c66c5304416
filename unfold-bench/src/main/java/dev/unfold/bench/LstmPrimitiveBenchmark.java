package dev.unfold.bench;

import java.util.concurrent.TimeUnit;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.lstm_backward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import java.util.SplittableRandom;
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
 * oneDNN's fused LSTM primitive over one window, the kernel PyTorch runs an LSTM on and the candidate for lowering a
 * recognised LSTM cell of the unfolded graph to: {@code inference} is a {@code forward_inference} pass,
 * {@code training} a {@code forward_training} pass (with its workspace) and the {@code backward} pass that reads it
 * (gradients of the weights, the bias, the inputs and the initial state). One layer, T × N × C with an input of S
 * features; the primitive picks its weights' layout. Tokens per second of the LSTM alone = T·N / (time per
 * operation); no decoder, loss or optimizer, so the whole model of a configuration is slower. The threads are
 * OpenMP's ({@code OMP_NUM_THREADS}). {@code 64x16x256x64} is one shard of lstm_h256_b32_t64 and {@code 64x32x256x64}
 * its whole batch; {@code 128x64x512x128} and {@code 128x64x512x512} the two layers of lstm_h512_b64_t128_l2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LstmPrimitiveBenchmark {
    /** T x N x C x S: steps, batch, hidden units, input features. */
    @Param({"64x16x256x64", "64x32x256x64", "128x64x512x128", "128x64x512x512"})
    public String shape;

    private static final engine ENGINE = new engine(engine.kind.cpu, 0);
    private stream stream;
    private lstm_forward inference;
    private lstm_forward forwardTraining;
    private lstm_backward backward;
    private final IntMemoryMap inferenceArgs = new IntMemoryMap();
    private final IntMemoryMap trainingArgs = new IntMemoryMap();
    private final IntMemoryMap backwardArgs = new IntMemoryMap();

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        long t = Long.parseLong(p[0]);
        long n = Long.parseLong(p[1]);
        long c = Long.parseLong(p[2]);
        long s = Long.parseLong(p[3]);
        stream = new stream(ENGINE);
        memory.desc src = NativeMemory.f32(memory.format_tag.tnc, t, n, s);
        memory.desc state = NativeMemory.f32(memory.format_tag.ldnc, 1, 1, n, c);
        memory.desc layerWeights = NativeMemory.f32(memory.format_tag.any, 1, 1, s, 4, c);
        memory.desc iterWeights = NativeMemory.f32(memory.format_tag.any, 1, 1, c, 4, c);
        memory.desc bias = NativeMemory.f32(memory.format_tag.ldgo, 1, 1, 4, c);
        memory.desc dst = NativeMemory.f32(memory.format_tag.tnc, t, n, c);

        lstm_forward.primitive_desc infer = forward(dnnl.prop_kind.forward_inference, src, state, layerWeights, iterWeights, bias, dst);
        inference = new lstm_forward(infer);
        bindForward(inferenceArgs, infer, src, state, bias, dst);

        lstm_forward.primitive_desc train = forward(dnnl.prop_kind.forward_training, src, state, layerWeights, iterWeights, bias, dst);
        forwardTraining = new lstm_forward(train);
        bindForward(trainingArgs, train, src, state, bias, dst);
        memory workspace = new memory(train.workspace_desc(), ENGINE);
        trainingArgs.put(dnnl.DNNL_ARG_WORKSPACE, workspace);

        lstm_backward.primitive_desc back = new lstm_backward.primitive_desc(ENGINE, dnnl.prop_kind.backward, dnnl.rnn_direction.unidirectional_left2right,
                src, state, state, layerWeights, iterWeights, bias, dst, state, state,
                src, state, state, layerWeights, iterWeights, bias, dst, state, state, train, new primitive_attr(), false);
        backward = new lstm_backward(back);
        for (int arg : new int[] {dnnl.DNNL_ARG_SRC_LAYER, dnnl.DNNL_ARG_SRC_ITER, dnnl.DNNL_ARG_SRC_ITER_C, dnnl.DNNL_ARG_BIAS,
                dnnl.DNNL_ARG_DST_LAYER, dnnl.DNNL_ARG_DST_ITER, dnnl.DNNL_ARG_DST_ITER_C, dnnl.DNNL_ARG_WORKSPACE}) {
            backwardArgs.put(arg, trainingArgs.get(arg));
        }
        backwardArgs.put(dnnl.DNNL_ARG_WEIGHTS_LAYER, new memory(back.weights_layer_desc(), ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_WEIGHTS_ITER, new memory(back.weights_iter_desc(), ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC_LAYER, new memory(src, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC_ITER, new memory(state, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_SRC_ITER_C, new memory(state, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS_LAYER, new memory(back.diff_weights_layer_desc(), ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_WEIGHTS_ITER, new memory(back.diff_weights_iter_desc(), ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_BIAS, new memory(bias, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST_LAYER, new memory(dst, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST_ITER, new memory(state, ENGINE));
        backwardArgs.put(dnnl.DNNL_ARG_DIFF_DST_ITER_C, new memory(state, ENGINE));
        SplittableRandom random = new SplittableRandom(15);
        int[] forwardInputs = {dnnl.DNNL_ARG_SRC_LAYER, dnnl.DNNL_ARG_SRC_ITER, dnnl.DNNL_ARG_SRC_ITER_C, dnnl.DNNL_ARG_WEIGHTS_LAYER,
                dnnl.DNNL_ARG_WEIGHTS_ITER, dnnl.DNNL_ARG_BIAS};
        for (int arg : forwardInputs) {
            NativeMemory.filled(inferenceArgs.get(arg), random);
            NativeMemory.filled(trainingArgs.get(arg), random);
        }
        for (int arg : new int[] {dnnl.DNNL_ARG_WEIGHTS_LAYER, dnnl.DNNL_ARG_WEIGHTS_ITER, dnnl.DNNL_ARG_DIFF_DST_LAYER}) {
            NativeMemory.filled(backwardArgs.get(arg), random);
        }
        forwardTraining.execute(stream, trainingArgs);
        stream._wait();
    }

    private static lstm_forward.primitive_desc forward(dnnl.prop_kind kind, memory.desc src, memory.desc state, memory.desc layerWeights,
            memory.desc iterWeights, memory.desc bias, memory.desc dst) {
        return new lstm_forward.primitive_desc(ENGINE, kind, dnnl.rnn_direction.unidirectional_left2right, src, state, state, layerWeights, iterWeights,
                bias, dst, state, state, new primitive_attr(), false);
    }

    private static void bindForward(IntMemoryMap args, lstm_forward.primitive_desc pd, memory.desc src, memory.desc state, memory.desc bias,
            memory.desc dst) {
        args.put(dnnl.DNNL_ARG_SRC_LAYER, new memory(src, ENGINE));
        args.put(dnnl.DNNL_ARG_SRC_ITER, new memory(state, ENGINE));
        args.put(dnnl.DNNL_ARG_SRC_ITER_C, new memory(state, ENGINE));
        args.put(dnnl.DNNL_ARG_WEIGHTS_LAYER, new memory(pd.weights_layer_desc(), ENGINE));
        args.put(dnnl.DNNL_ARG_WEIGHTS_ITER, new memory(pd.weights_iter_desc(), ENGINE));
        args.put(dnnl.DNNL_ARG_BIAS, new memory(bias, ENGINE));
        args.put(dnnl.DNNL_ARG_DST_LAYER, new memory(dst, ENGINE));
        args.put(dnnl.DNNL_ARG_DST_ITER, new memory(state, ENGINE));
        args.put(dnnl.DNNL_ARG_DST_ITER_C, new memory(state, ENGINE));
    }

    @Benchmark
    public stream inference() {
        inference.execute(stream, inferenceArgs);
        stream._wait();
        return stream;
    }

    @Benchmark
    public stream training() {
        forwardTraining.execute(stream, trainingArgs);
        backward.execute(stream, backwardArgs);
        stream._wait();
        return stream;
    }
}
