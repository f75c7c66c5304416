package dev.unfold.onnx;

import static dev.unfold.onnx.OnnxGraph.attr;
import static dev.unfold.onnx.OnnxGraph.strings;

import ai.onnx.proto.OnnxMl.AttributeProto;
import dev.unfold.nn.CellType;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A model in ONNX's standard recurrent operators: each layer one {@code RNN}, {@code LSTM} or {@code GRU} node
 * (both directions in one, {@code layout=0}), between them the transposes that put the directions side by side,
 * before them the embedding ({@code Gather}) or one-hot code ({@code OneHot}), after them the decoder
 * ({@code MatMul} and {@code Add} at every step, or {@code Gemm} on the top layer's final states).
 *
 * <p>PyTorch's gate blocks, which Unfold's parameters keep, are reordered to ONNX's: LSTM i, f, g, o becomes
 * i, o, f, c; GRU r, z, n becomes z, r, h, with {@code linear_before_reset=1} (the reset gate applied to
 * {@code h W_hnᵀ + b_hn}, as PyTorch does).
 */
final class StandardForm {
    private final SequenceModelSpec spec;
    private final RecurrentSpec rnn;
    private final Map<String, Tensor> weights;
    private final OnnxGraph g = new OnnxGraph("unfold", ExportSignature.OUTPUTS);

    private StandardForm(TrainedModel trained) {
        this.spec = trained.model().spec();
        this.rnn = spec.rnn();
        this.weights = trained.weights().byName();
    }

    static OnnxGraph of(TrainedModel trained) {
        return new StandardForm(trained).build();
    }

    /** Why this model has no standard-operator form, if it has none. */
    static Optional<String> refusal(TrainedModel trained) {
        SequenceModelSpec s = trained.model().spec();
        if (s.rnn().cell() == CellType.JORDAN) {
            return Optional.of("ONNX has no operator for the Jordan network's cell (its state is its output); export the unfolded graph with --unfolded T");
        }
        if (s.regularization().zoneout() > 0) {
            return Optional.of("a model trained with zoneout evaluates with the expectation p·s + (1 − p)·s′, which ONNX's " + s.rnn().cell().id().toUpperCase(Locale.ROOT)
                    + " operator cannot express; export the unfolded graph with --unfolded T");
        }
        return Optional.empty();
    }

    private OnnxGraph build() {
        ExportSignature.declareInputs(g, spec, "T");
        String layerIn = networkInput();
        List<String> finalH = new ArrayList<>();
        List<String> finalC = new ArrayList<>();
        String topH = null;
        for (int l = 0; l < rnn.layers(); l++) {
            List<String> out = layer(l, layerIn);
            layerIn = joinDirections(l, out.get(0));
            finalH.add(out.get(1));
            topH = out.get(1);
            if (rnn.cell() == CellType.LSTM) {
                finalC.add(out.get(2));
            }
        }
        String decoded = spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE ? decodeFinal(topH) : decodeEverySteps(layerIn);
        g.identity(decoded, ExportSignature.outputName(spec));
        g.identity(concat("h_n", finalH), "h_n");
        if (rnn.cell() == CellType.LSTM) {
            g.identity(concat("c_n", finalC), "c_n");
        }
        ExportSignature.declareOutputs(g, spec, "T");
        return g;
    }

    /** What layer 0 reads, [T, B, I]: the embedding's rows, a one-hot code, or the features as given. */
    private String networkInput() {
        if (spec.input().kind() == SequenceModelSpec.InputKind.VECTORS) {
            return "x";
        }
        if (spec.input().embedding() > 0) {
            Tensor table = weights.get("embed.weight");
            String e = g.floats("embed.weight", GateOrder.values(table), table.shape().dim(0), table.shape().dim(1));
            return g.node("Gather", "embedding", List.of(e, "x"), attr("axis", 0L));
        }
        String depth = g.scalar("one_hot.depth", spec.input().size());
        String values = g.floats("one_hot.values", new float[] {0, 1}, 2);
        return g.node("OneHot", "one_hot", List.of("x", depth, values), attr("axis", -1L));
    }

    /** Layer {@code l}'s node: its outputs Y [T, D, B, H], Y_h [D, B, H] and, for an LSTM, Y_c. */
    private List<String> layer(int l, String in) {
        int d = rnn.directions().count();
        String scope = "l" + l;
        String w = g.floats(scope + ".W", GateOrder.stack(rnn.cell(), weights, "weight_ih", l, d), d, (long) gates() * rnn.hiddenSize(),
                weights.get("weight_ih" + RecurrentSpec.suffix(l, 0)).shape().dim(1));
        String r = g.floats(scope + ".R", GateOrder.stack(rnn.cell(), weights, "weight_hh", l, d), d, (long) gates() * rnn.hiddenSize(), rnn.hiddenSize());
        String b = g.floats(scope + ".B", GateOrder.biases(rnn.cell(), weights, l, d), d, 2L * gates() * rnn.hiddenSize());
        String lengths = spec.lengths() ? "lengths" : "";
        List<String> inputs = new ArrayList<>(List.of(in, w, r, b, lengths, slice("h0", l, d)));
        List<String> outputs = new ArrayList<>(List.of(scope + ".Y", scope + ".Y_h"));
        if (rnn.cell() == CellType.LSTM) {
            inputs.add(slice("c0", l, d));
            outputs.add(scope + ".Y_c");
        }
        List<AttributeProto> attrs = new ArrayList<>(List.of(attr("hidden_size", (long) rnn.hiddenSize()),
                attr("direction", d == 2 ? "bidirectional" : "forward"), attr("layout", 0L)));
        switch (rnn.cell()) {
            case RNN_TANH -> attrs.add(strings("activations", Collections.nCopies(d, "Tanh")));
            case RNN_RELU -> attrs.add(strings("activations", Collections.nCopies(d, "Relu")));
            case GRU -> attrs.add(attr("linear_before_reset", 1L));
            default -> {
            }
        }
        return g.node(operator(), scope, inputs, outputs, attrs.toArray(AttributeProto[]::new));
    }

    /** Layer {@code l}'s rows of an initial state [L·D, B, H]: rows l·D to (l+1)·D. */
    private String slice(String state, int l, int d) {
        return g.node("Slice", state + "_l" + l, List.of(state, g.longs(state + "_l" + l + ".starts", (long) l * d), g.longs(state + "_l" + l + ".ends", (long) (l + 1) * d),
                g.longs(state + "_l" + l + ".axes", 0L)));
    }

    /** Y [T, D, B, H] as [T, B, D·H], the forward direction's units first (as PyTorch's output). */
    private String joinDirections(int l, String y) {
        if (rnn.directions().count() == 1) {
            return g.node("Squeeze", "l" + l + ".y", List.of(y, g.longs("l" + l + ".squeeze_axes", 1L)));
        }
        String t = g.node("Transpose", "l" + l + ".y_tbdh", List.of(y), attr("perm", 0L, 2L, 1L, 3L));
        return g.node("Reshape", "l" + l + ".y", List.of(t, g.longs("l" + l + ".y_shape", 0L, 0L, -1L)));
    }

    private String decodeEverySteps(String top) {
        Tensor w = weights.get("decoder.weight");
        String wt = g.floats("decoder.weight_t", GateOrder.transposed(w), w.shape().dim(1), w.shape().dim(0));
        String product = g.node("MatMul", "decoder.product", List.of(top, wt));
        return g.node("Add", "decoder", List.of(product, g.floats("decoder.bias", GateOrder.values(weights.get("decoder.bias")), w.shape().dim(0))));
    }

    /** The decoder on the top layer's final states Y_h [D, B, H], side by side as [B, D·H]. */
    private String decodeFinal(String topH) {
        String t = g.node("Transpose", "h_top_bdh", List.of(topH), attr("perm", 1L, 0L, 2L));
        String flat = g.node("Reshape", "h_top", List.of(t, g.longs("h_top_shape", 0L, -1L)));
        Tensor w = weights.get("decoder.weight");
        return g.node("Gemm", "decoder", List.of(flat, g.floats("decoder.weight", GateOrder.values(w), w.shape().dim(0), w.shape().dim(1)),
                g.floats("decoder.bias", GateOrder.values(weights.get("decoder.bias")), w.shape().dim(0))), attr("transB", 1L));
    }

    private String concat(String name, List<String> parts) {
        return parts.size() == 1 ? parts.get(0) : g.node("Concat", name + ".all", parts, attr("axis", 0L));
    }

    private int gates() {
        return GateOrder.gates(rnn.cell());
    }

    private String operator() {
        return switch (rnn.cell()) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            default -> "RNN";
        };
    }
}
