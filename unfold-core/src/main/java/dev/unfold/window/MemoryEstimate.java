package dev.unfold.window;

import dev.unfold.io.Memory;
import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModelSpec;
import java.util.Locale;

/**
 * What running a model over a window will hold in memory, estimated before anything is built, so that a
 * run, a gradient check, a forward pass or a drawing that cannot fit is refused with the estimate instead
 * of dying of {@link OutOfMemoryError}: the parameters with everything kept per parameter (gradient sinks,
 * optimizer slots, the kernels' copies), the values a window keeps per step and row (those the backward pass
 * reads, the hoisted products, the decoder's logits), and the graph's own nodes. The constants were fitted
 * to the compiled executor's plans; an estimate errs on the large side.
 */
public record MemoryEstimate(long parameterBytes, long activationBytes, long graphBytes, long dataBytes) {
    /** Bytes one graph node costs with its program instruction, roughly. */
    static final long NODE_BYTES = 400;

    public MemoryEstimate(long parameterBytes, long activationBytes, long graphBytes) {
        this(parameterBytes, activationBytes, graphBytes, 0);
    }

    public long total() {
        return parameterBytes + activationBytes + graphBytes + dataBytes;
    }

    /** This estimate with {@code bytes} of data held besides (generated episodes, say). */
    public MemoryEstimate plusData(long bytes) {
        return new MemoryEstimate(parameterBytes, activationBytes, graphBytes, dataBytes + bytes);
    }

    /**
     * Training {@code spec} on windows of {@code steps} over batches of {@code batch}, split into {@code shards}:
     * float32, with gradients and an optimizer of two slots per parameter.
     */
    public static MemoryEstimate training(SequenceModelSpec spec, int batch, int steps, int shards) {
        long p = parameters(spec);
        long perParameter = 7L + Math.min(shards, batch);
        long activations = 4L * steps * batch * (keptPerRow(spec.rnn(), true) + inputPerRow(spec) + 3L * spec.output().size());
        return new MemoryEstimate(4L * p * perParameter, activations, NODE_BYTES * nodes(spec.rnn(), steps, true) * Math.min(shards, batch));
    }

    /** This training estimate with the window's values those memory-bounded BPTT's {@code plan} holds, and the graph of one unit. */
    public MemoryEstimate bounded(SequenceModelSpec spec, int batch, int shards, BpttMemory.Plan plan) {
        return new MemoryEstimate(parameterBytes, plan.bytes(), NODE_BYTES * nodes(spec.rnn(), plan.unitSteps(), true) * Math.min(shards, batch), dataBytes);
    }

    /** Running {@code spec} forward only over windows of {@code steps}, float32. */
    public static MemoryEstimate inference(SequenceModelSpec spec, int batch, int steps) {
        long p = parameters(spec);
        long activations = 4L * steps * batch * (keptPerRow(spec.rnn(), false) + inputPerRow(spec) + 2L * spec.output().size());
        return new MemoryEstimate(4L * p * 3, activations, NODE_BYTES * nodes(spec.rnn(), steps, false));
    }

    /**
     * The reference interpreter over a recurrent network alone ({@code unfold forward}, {@code gradcheck},
     * drawings with values): it keeps every node's value, in {@code bytesPerElement}, forward and backward.
     */
    public static MemoryEstimate interpreted(RecurrentSpec rnn, int batch, int steps, int bytesPerElement, boolean gradients) {
        long p = network(rnn);
        long perRow = (gradients ? 3L : 1L) * everyValuePerRow(rnn) + rnn.inputSize() + rnn.outputSize();
        return new MemoryEstimate((long) bytesPerElement * p * 3, (long) bytesPerElement * steps * batch * perRow,
                NODE_BYTES * nodes(rnn, steps, gradients));
    }

    /** Fails, saying why, when the estimate is larger than the heap can still hold. */
    public void requireFits(String what) {
        long free = Memory.available();
        if (total() > free) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs about %s of memory (parameters and what is kept per parameter %s, the values of a window %s, the graph %s%s),"
                            + " and %s are free; %s", what, size(total()), size(parameterBytes), size(activationBytes), size(graphBytes),
                    dataBytes > 0 ? ", the data " + size(dataBytes) : "", size(free), Memory.advice()));
        }
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", (bytes + (1 << 20) - 1) >> 20);
    }

    static long parameters(SequenceModelSpec spec) {
        long embedding = (long) spec.input().size() * spec.input().embedding();
        long decoder = (long) spec.rnn().outputSize() * spec.output().size() + spec.output().size();
        return embedding + network(spec.rnn()) + decoder;
    }

    /** Elements of a network's parameters: per layer and direction G·H·(I + H) weights and 2·G·H biases. */
    static long network(RecurrentSpec rnn) {
        long g = gates(rnn.cell());
        long h = rnn.hiddenSize();
        long total = 0;
        for (int l = 0; l < rnn.layers(); l++) {
            long in = l == 0 ? rnn.inputSize() : (long) rnn.directions().count() * h;
            total += rnn.directions().count() * (g * h * (in + h) + 2 * g * h);
        }
        return total;
    }

    private static long gates(CellType cell) {
        return switch (cell) {
            case LSTM -> 4;
            case GRU -> 3;
            case JORDAN -> 2;
            default -> 1;
        };
    }

    /** Floats a window keeps per step and row of the batch in the recurrent layers. */
    private static long keptPerRow(RecurrentSpec rnn, boolean gradients) {
        long perLayer = (gradients ? 3 * gates(rnn.cell()) + 5 : gates(rnn.cell()) + 2) * (long) rnn.hiddenSize();
        return perLayer * rnn.layers() * rnn.directions().count();
    }

    /** Every value of a step and row in the layers: what the interpreter keeps. */
    private static long everyValuePerRow(RecurrentSpec rnn) {
        return (6 * gates(rnn.cell()) + 8) * (long) rnn.hiddenSize() * rnn.layers() * rnn.directions().count();
    }

    private static long inputPerRow(SequenceModelSpec spec) {
        return spec.input().kind() == SequenceModelSpec.InputKind.TOKENS && spec.input().embedding() == 0 ? spec.input().size()
                : spec.rnn().inputSize();
    }

    /** Nodes of the unfolded graph: about 20 per layer, direction and step forward, three times that with the backward pass. */
    static long nodes(RecurrentSpec rnn, int steps, boolean gradients) {
        long perStep = (gates(rnn.cell()) * 3 + 8) * rnn.layers() * rnn.directions().count() + 10;
        return perStep * steps * (gradients ? 3 : 1);
    }
}
