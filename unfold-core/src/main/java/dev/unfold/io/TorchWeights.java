package dev.unfold.io;

import dev.unfold.nn.CellType;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch state dicts of {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} ({@code weight_ih_l0},
 * {@code bias_hh_l1_reverse}, ...), checked name by name and shape by shape against a network.
 */
public final class TorchWeights {
    private TorchWeights() {
    }

    /** The network the state dict describes: sizes read from {@code weight_ih_l0} and {@code weight_hh_l0}. */
    public static RecurrentSpec inferSpec(CellType cell, int layers, RecurrentSpec.Directions dirs, Map<String, Tensor> weights) {
        Tensor ih = require(weights, "weight_ih_l0");
        Tensor hh = require(weights, "weight_hh_l0");
        if (ih.shape().rank() != 2 || hh.shape().rank() != 2) {
            throw new IllegalArgumentException("weight_ih_l0 and weight_hh_l0 must be matrices, got " + ih.shape() + " and " + hh.shape());
        }
        int hidden = hh.shape().dim(1);
        if (hidden == 0 || ih.shape().dim(1) == 0) {
            throw new IllegalArgumentException("weight_ih_l0 " + ih.shape() + " and weight_hh_l0 " + hh.shape() + " give an empty layer");
        }
        return new RecurrentSpec(cell, ih.shape().dim(1), hidden, layers, dirs);
    }

    /** The parameters of {@code spec} from {@code weights}; every tensor must be present, expected and of its shape. */
    public static Weights match(RecurrentSpec spec, Map<String, Tensor> weights) {
        Map<Parameter, Tensor> out = new LinkedHashMap<>();
        RecurrentNetwork net = new RecurrentNetwork(spec);
        for (Parameter p : net.parameters()) {
            Tensor t = require(weights, p.name());
            if (!t.shape().equals(p.shape())) {
                throw new IllegalArgumentException(p.name() + ": expected shape " + p.shape() + " for " + describe(spec)
                        + ", got " + t.shape() + hint(spec, p, t));
            }
            out.put(p, t);
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        out.keySet().forEach(p -> known.add(p.name()));
        for (String name : weights.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unexpected tensor '" + SafeText.clip(name) + "' for " + describe(spec));
            }
        }
        return Weights.of(out);
    }

    private static Tensor require(Map<String, Tensor> weights, String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor '" + name + "' in the weights");
        }
        return t;
    }

    private static String describe(RecurrentSpec s) {
        return s.cell().id() + " with input size " + s.inputSize() + ", hidden size " + s.hiddenSize() + ", "
                + s.layers() + " layer(s)" + (s.directions() == RecurrentSpec.Directions.BOTH ? ", bidirectional" : "");
    }

    private static String hint(RecurrentSpec spec, Parameter p, Tensor t) {
        int rows = t.shape().rank() > 0 ? t.shape().dim(0) : 0;
        int h = spec.hiddenSize();
        if (rows == 4 * h && p.shape().dim(0) != rows) {
            return " (these look like lstm weights)";
        }
        if (rows == 3 * h && p.shape().dim(0) != rows) {
            return " (these look like gru weights)";
        }
        if (rows == h && p.shape().dim(0) != rows) {
            return " (these look like rnn weights)";
        }
        return "";
    }
}
