package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.op.OneHot;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph of a {@link SequenceModelSpec} over T steps: input leaves {@code in[t]} (token indices (B) or
 * vectors (B, F)), embedding or one-hot, the unfolded recurrent network, and the decoder at every step.
 * Parameter names: {@code embed.weight}, the network's PyTorch names, {@code decoder.weight},
 * {@code decoder.bias}.
 */
public final class SequenceModel {
    private final SequenceModelSpec spec;
    private final RecurrentNetwork network;
    private final Embedding embedding;
    private final Linear decoder;

    public SequenceModel(SequenceModelSpec spec) {
        this.spec = spec;
        this.network = new RecurrentNetwork(spec.rnn());
        this.embedding = new Embedding("embed.", spec.input().size(), spec.input().embedding());
        this.decoder = new Linear("decoder.", spec.rnn().outputSize(), spec.output().size());
    }

    public SequenceModelSpec spec() {
        return spec;
    }

    public RecurrentNetwork network() {
        return network;
    }

    /** The model unfolded: inputs, the network's parts, per-step decoder outputs and every parameter. */
    public record Unfolded(List<Var> inputs, RecurrentNetwork.Unfolded network, List<Var> outputs, Map<String, Var> params) {
    }

    /** All parameters, embedding first, then the network's, then the decoder's. */
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>();
        if (spec.input().embedding() > 0) {
            all.addAll(embedding.parameters());
        }
        all.addAll(network.parameters());
        all.addAll(decoder.parameters());
        return all;
    }

    public Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype) {
        Map<String, Var> params = new LinkedHashMap<>();
        b.at(Node.NO_STEP);
        Var table = null;
        if (spec.input().embedding() > 0) {
            ParameterSpec p = embedding.parameters().get(0);
            table = b.parameter(p.name(), p.shape(), dtype);
            params.put(p.name(), table);
        }
        List<Var> inputs = new ArrayList<>();
        List<Var> features = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            b.at(t);
            boolean tokens = spec.input().kind() == SequenceModelSpec.InputKind.TOKENS;
            Var in = b.input("in[" + t + "]", tokens ? Shape.of(batch) : Shape.of(batch, spec.input().size()), dtype);
            inputs.add(in);
            if (!tokens) {
                features.add(in);
            } else if (table != null) {
                features.add(embedding.apply(b, in, table));
            } else {
                features.add(b.apply("one-hot", new OneHot(spec.input().size()), in));
            }
        }
        b.at(Node.NO_STEP);
        RecurrentNetwork.Unfolded net = network.unfold(b, features);
        params.putAll(net.params());
        Var w = b.parameter(decoder.parameters().get(0).name(), decoder.parameters().get(0).shape(), dtype);
        Var bias = b.parameter(decoder.parameters().get(1).name(), decoder.parameters().get(1).shape(), dtype);
        params.put(decoder.parameters().get(0).name(), w);
        params.put(decoder.parameters().get(1).name(), bias);
        List<Var> outputs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            outputs.add(b.name(decoder.apply(b.at(t), net.outputs().get(t), w, bias), "decoder/y"));
        }
        b.at(Node.NO_STEP);
        return new Unfolded(inputs, net, outputs, params);
    }
}
