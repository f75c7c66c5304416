package dev.unfold.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.unfold.onnx.OnnxExport;
import dev.unfold.store.TrainedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold export}: a model folder as an ONNX model. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a model as ONNX (opset " + OnnxExport.OPSET + "), for ONNX Runtime and other ONNX readers.",
            "By default in ONNX's standard RNN, LSTM and GRU operators, with dynamic batch and time axes; with --unfolded T,",
            "the unfolded graph itself over T steps in plain MatMul, Add, Sigmoid, Tanh and Mul, one node group per step.",
            "Inputs: x ([T, B] int64 tokens or [T, B, F] float features), h0 and, for an LSTM, c0 ([layers x directions, B, H]),",
            "lengths ([B] int32) for a model of sequences of their own lengths. Outputs: logits (classes) or y (values),",
            "[T, B, C] or, for a model that reads each sequence once, [B, C]; h_n and, for an LSTM, c_n, laid out as h0.",
            "The vocabulary and the model's description are in the ONNX metadata."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "Model folder (a run, or one written by import).")
    Path model;

    @Option(names = "--format", required = true, description = "Format to write: onnx.")
    String format;

    @Option(names = "--out", required = true, description = "File to write (replaced whole, through a temporary file).")
    Path out;

    @Option(names = "--unfolded", paramLabel = "T", description = "Write the unfolded graph over T steps instead of the standard operators.")
    Integer unfolded;

    @Mixin
    CheckpointOptions checkpoints = new CheckpointOptions();


    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.toLowerCase(Locale.ROOT).equals("onnx")) {
            throw new IllegalArgumentException("--format: unknown format '" + format + "'; the one format is onnx");
        }
        if (unfolded != null && (unfolded < 1 || unfolded > OnnxExport.MAX_UNFOLDED_STEPS)) {
            throw new IllegalArgumentException("--unfolded takes a number of steps from 1 to " + OnnxExport.MAX_UNFOLDED_STEPS + ", got " + unfolded);
        }
        ModelFolder folder = checkpoints.load(model);
        TrainedModel trained = folder.trained();
        ModelProto onnx;
        try {
            onnx = unfolded == null ? OnnxExport.standard(trained) : OnnxExport.unfolded(trained, unfolded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(folder.file() + ": " + e.getMessage(), e);
        }
        OnnxExport.write(onnx, out);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %s, %s form%s, opset %d, %,d bytes%n", out, trained.model().spec().rnn().cell().id(),
                unfolded == null ? "standard" : "unfolded", unfolded == null ? "" : " over " + unfolded + " steps", OnnxExport.OPSET, onnx.getSerializedSize());
        return 0;
    }
}
