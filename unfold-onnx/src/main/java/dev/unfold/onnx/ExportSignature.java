package dev.unfold.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModelSpec;
import java.util.List;

/**
 * The inputs and outputs every exported model has, in both forms:
 * <ul>
 * <li>{@code x}: [T, B] int64 token indices, or [T, B, F] float features;
 * <li>{@code h0} and, for an LSTM, {@code c0}: [L·D, B, H] float, layer by layer, the forward direction before the reverse (PyTorch's layout);
 * <li>{@code lengths}: [B] int32, for a model of sequences of their own lengths;
 * <li>{@code logits} (classes) or {@code y} (values): [T, B, C] at every step, or [B, C] once per sequence;
 * <li>{@code h_n} and, for an LSTM, {@code c_n}: the final states, laid out as {@code h0}.
 * </ul>
 * B is a dynamic axis, and T too in the standard form; the unfolded form has its fixed number of steps.
 */
final class ExportSignature {
    static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    static final int INT64 = TensorProto.DataType.INT64_VALUE;
    static final int INT32 = TensorProto.DataType.INT32_VALUE;

    /** Every output name either form may have. */
    static final List<String> OUTPUTS = List.of("logits", "y", "h_n", "c_n");

    private ExportSignature() {
    }

    /** {@code logits} for class scores, {@code y} for values. */
    static String outputName(SequenceModelSpec spec) {
        return spec.output().kind() == SequenceModelSpec.OutputKind.CLASSES ? "logits" : "y";
    }

    static boolean hasCellState(SequenceModelSpec spec) {
        return spec.rnn().cell() == CellType.LSTM;
    }

    /** {@code steps} is "T" for a dynamic time axis, or the number of steps. */
    static void declareInputs(OnnxGraph g, SequenceModelSpec spec, Object steps) {
        if (spec.input().kind() == SequenceModelSpec.InputKind.TOKENS) {
            g.input("x", INT64, steps, "B");
        } else {
            g.input("x", FLOAT, steps, "B", spec.input().size());
        }
        g.input("h0", FLOAT, states(spec.rnn()), "B", spec.rnn().hiddenSize());
        if (hasCellState(spec)) {
            g.input("c0", FLOAT, states(spec.rnn()), "B", spec.rnn().hiddenSize());
        }
        if (spec.lengths()) {
            g.input("lengths", INT32, "B");
        }
    }

    static void declareOutputs(OnnxGraph g, SequenceModelSpec spec, Object steps) {
        if (spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE) {
            g.output(outputName(spec), FLOAT, "B", spec.output().size());
        } else {
            g.output(outputName(spec), FLOAT, steps, "B", spec.output().size());
        }
        g.output("h_n", FLOAT, states(spec.rnn()), "B", spec.rnn().hiddenSize());
        if (hasCellState(spec)) {
            g.output("c_n", FLOAT, states(spec.rnn()), "B", spec.rnn().hiddenSize());
        }
    }

    /** L·D: the rows of h0. */
    static int states(RecurrentSpec rnn) {
        return rnn.layers() * rnn.directions().count();
    }
}
