package dev.unfold.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.unfold.io.AtomicFiles;
import dev.unfold.store.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained model as an ONNX model, in one of two forms. {@link #standard} uses ONNX's {@code RNN}, {@code LSTM}
 * and {@code GRU} operators, with dynamic batch and time axes: the form to deploy. {@link #unfolded} writes the
 * unfolded graph itself over a fixed number of steps, one node group per step in plain {@code Gemm}, {@code Add},
 * {@code Sigmoid}, {@code Tanh} and {@code Mul}, translated node by node from Unfold's own graph: the form to look
 * at step by step in a model viewer, and the one for cells ONNX has no operator for. Both read and write the
 * tensors {@link ExportSignature} names, at opset {@value #OPSET}.
 */
public final class OnnxExport {
    /** The ONNX operator set both forms are written at. */
    public static final int OPSET = 14;
    /** ONNX's IR version 8 (ONNX 1.10), which every ONNX Runtime since 1.10 reads. */
    static final int IR_VERSION = 8;
    /** The most steps an unfolded form is written for. */
    public static final int MAX_UNFOLDED_STEPS = 4096;

    private OnnxExport() {
    }

    /** The model in ONNX's standard recurrent operators; refused, with the reason, for a cell or regulariser they cannot express. */
    public static ModelProto standard(TrainedModel trained) {
        StandardForm.refusal(trained).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        return model(StandardForm.of(trained).build(), ExportMetadata.of(trained, "standard", 0),
                "Unfold " + trained.model().spec().rnn().cell().id() + " model in ONNX's standard recurrent operators");
    }

    /** The model's unfolded graph over {@code steps} steps, in plain operators. */
    public static ModelProto unfolded(TrainedModel trained, int steps) {
        if (steps < 1 || steps > MAX_UNFOLDED_STEPS) {
            throw new IllegalArgumentException("--unfolded takes a number of steps from 1 to " + MAX_UNFOLDED_STEPS + ", got " + steps);
        }
        return model(UnfoldedForm.of(trained, steps).build(), ExportMetadata.of(trained, "unfolded", steps),
                "Unfold " + trained.model().spec().rnn().cell().id() + " model unfolded over " + steps + " steps");
    }

    /** Writes {@code model} to {@code out} through a temporary file beside it, so that a file already there is replaced whole or not at all. */
    public static void write(ModelProto model, Path out) throws IOException {
        AtomicFiles.write(out, model::writeTo);
    }

    private static ModelProto model(GraphProto graph, Map<String, String> metadata, String doc) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("unfold").setProducerVersion("0.1.0")
                .setDocString(doc).addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(graph);
        ExportMetadata.addTo(m, metadata);
        return m.build();
    }
}
