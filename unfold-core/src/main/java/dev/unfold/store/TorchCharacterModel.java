package dev.unfold.store;

import dev.unfold.io.SafeText;
import dev.unfold.io.TorchWeights;
import dev.unfold.io.Vocabulary;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.Weights;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PyTorch character model's state dict as a {@link TrainedModel}: an optional {@code nn.Embedding}, one
 * {@code nn.RNN}, {@code nn.LSTM} or {@code nn.GRU} of any depth and direction, and an {@code nn.Linear} decoder,
 * under any attribute names. The recurrent parts are found by PyTorch's suffixes ({@code weight_ih_l0}, ...), the
 * cell by the gates' multiple of the hidden size, the embedding and decoder by their shapes.
 *
 * <p>Unfold's vocabularies begin with the unknown symbol, which PyTorch's has not: it is added as index 0, with
 * a zero embedding row (or input column) and a decoder row of zeros whose bias is −10⁴, so that its probability
 * is 0 and every other character's is PyTorch's.
 */
public final class TorchCharacterModel {
    /** The decoder bias of the unknown symbol: its softmax weight {@code e^-10000} is 0 in float and double. */
    static final double ABSENT = -1e4;
    private static final Pattern RECURRENT = Pattern.compile("^(.*?)(weight_ih|weight_hh|bias_ih|bias_hh)_l(\\d+)(_reverse)?$");

    private TorchCharacterModel() {
    }

    /** The model of {@code state} over the characters {@code vocabulary} (in index order); {@code cell} settles tanh or ReLU. */
    public static TrainedModel of(Map<String, Tensor> state, List<String> vocabulary, Optional<CellType> cell) {
        String prefix = null;
        Map<String, Tensor> recurrent = new LinkedHashMap<>();
        int layers = 0;
        boolean reverse = false;
        Map<String, Tensor> rest = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Matcher m = RECURRENT.matcher(e.getKey());
            if (!m.matches()) {
                rest.put(e.getKey(), e.getValue());
                continue;
            }
            if (prefix != null && !prefix.equals(m.group(1))) {
                throw new IllegalArgumentException("recurrent weights under two names, '" + SafeText.clip(prefix) + "' and '" + SafeText.clip(m.group(1))
                        + "'; a character model has one nn.RNN, nn.LSTM or nn.GRU");
            }
            prefix = m.group(1);
            layers = Math.max(layers, Integer.parseInt(m.group(3)) + 1);
            reverse |= m.group(4) != null;
            recurrent.put(e.getKey().substring(prefix.length()), e.getValue());
        }
        if (prefix == null) {
            throw new IllegalArgumentException("no recurrent weights (weight_ih_l0, weight_hh_l0, ...) in the state dict");
        }
        Tensor hh = recurrent.get("weight_hh_l0");
        if (hh == null || hh.shape().rank() != 2 || hh.shape().dim(1) == 0 || hh.shape().dim(0) % hh.shape().dim(1) != 0) {
            throw new IllegalArgumentException("'" + SafeText.clip(prefix) + "weight_hh_l0' is missing or not (gates x H, H): " + (hh == null ? "missing" : hh.shape()));
        }
        int hidden = hh.shape().dim(1);
        CellType type = cellOf(hh.shape().dim(0) / hidden, cell, prefix);
        RecurrentSpec.Directions dirs = reverse ? RecurrentSpec.Directions.BOTH : RecurrentSpec.Directions.ONE;
        RecurrentSpec rnn = TorchWeights.inferSpec(type, layers, dirs, recurrent);
        Weights network = TorchWeights.match(rnn, recurrent);
        int classes = vocabulary.size();
        Parts parts = parts(rest, rnn, classes);
        Vocabulary vocab = vocabulary(vocabulary, parts);
        int symbols = classes + 1;
        SequenceModel.Builder b = SequenceModel.builder().tokens(symbols).cell(type).hidden(hidden).layers(layers).bidirectional(reverse).classes(symbols);
        if (parts.embedding != null) {
            b.embedding(parts.embedding.shape().dim(1));
        } else if (rnn.inputSize() != classes) {
            throw new IllegalArgumentException("there is no embedding, so the network reads one-hot characters, but '" + SafeText.clip(prefix)
                    + "weight_ih_l0' reads " + rnn.inputSize() + " inputs for " + classes + " characters");
        }
        SequenceModel model = b.build();
        Map<Parameter, Tensor> values = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            values.put(p, value(p, network, parts, rnn));
        }
        return TrainedModel.of(model, Weights.of(values), Optional.of(vocab));
    }

    private static CellType cellOf(int gates, Optional<CellType> cell, String prefix) {
        CellType byShape = switch (gates) {
            case 4 -> CellType.LSTM;
            case 3 -> CellType.GRU;
            case 1 -> cell.filter(c -> c == CellType.RNN_RELU).orElse(CellType.RNN_TANH);
            default -> throw new IllegalArgumentException("'" + SafeText.clip(prefix) + "weight_hh_l0' has " + gates
                    + " times the hidden size in rows; an RNN has 1, a GRU 3, an LSTM 4");
        };
        if (cell.isPresent() && cell.get() != byShape) {
            throw new IllegalArgumentException("the weights are those of " + byShape.id() + " (" + gates + " gate blocks), not of " + cell.get().id());
        }
        return byShape;
    }

    /** The decoder (a matrix reading the network's output with a bias beside it) and the optional embedding. */
    private record Parts(Tensor embedding, Tensor decoderWeight, Tensor decoderBias) {
    }

    private static Parts parts(Map<String, Tensor> rest, RecurrentSpec rnn, int classes) {
        String decoder = null;
        for (Map.Entry<String, Tensor> e : rest.entrySet()) {
            Shape s = e.getValue().shape();
            if (e.getKey().endsWith("weight") && s.rank() == 2 && s.dim(1) == rnn.outputSize()
                    && rest.containsKey(e.getKey().substring(0, e.getKey().length() - "weight".length()) + "bias")) {
                if (decoder != null) {
                    throw new IllegalArgumentException("two linear layers read the network's output: '" + SafeText.clip(decoder) + "' and '"
                            + SafeText.clip(e.getKey()) + "'");
                }
                decoder = e.getKey();
            }
        }
        if (decoder == null) {
            throw new IllegalArgumentException("no decoder: an nn.Linear with a weight of (characters, " + rnn.outputSize() + ") and a bias");
        }
        String bias = decoder.substring(0, decoder.length() - "weight".length()) + "bias";
        Tensor w = rest.get(decoder);
        Tensor bt = rest.get(bias);
        if (w.shape().dim(0) != classes || !bt.shape().equals(Shape.of(classes))) {
            throw new IllegalArgumentException("the vocabulary has " + classes + " characters, and the decoder '" + SafeText.clip(decoder) + "' " + w.shape()
                    + " with bias " + bt.shape() + " predicts " + w.shape().dim(0));
        }
        Tensor embedding = null;
        String embeddingName = null;
        for (Map.Entry<String, Tensor> e : rest.entrySet()) {
            if (e.getKey().equals(decoder) || e.getKey().equals(bias)) {
                continue;
            }
            Shape s = e.getValue().shape();
            if (embedding == null && e.getKey().endsWith("weight") && s.rank() == 2 && s.dim(1) == rnn.inputSize()) {
                embedding = e.getValue();
                embeddingName = e.getKey();
                continue;
            }
            throw new IllegalArgumentException("unexpected tensor '" + SafeText.clip(e.getKey()) + "' " + s + " (a character model has an optional embedding, "
                    + "one recurrent network and a decoder)");
        }
        if (embedding != null && embedding.shape().dim(0) != classes) {
            throw new IllegalArgumentException("the embedding '" + SafeText.clip(embeddingName) + "' has " + embedding.shape().dim(0) + " rows for "
                    + classes + " characters");
        }
        return new Parts(embedding, w, bt);
    }

    private static Vocabulary vocabulary(List<String> characters, Parts parts) {
        TreeSet<String> seen = new TreeSet<>();
        List<String> symbols = new ArrayList<>(List.of(Vocabulary.UNKNOWN));
        for (int i = 0; i < characters.size(); i++) {
            String c = characters.get(i);
            if (c == null || c.codePointCount(0, c.length()) != 1 || c.equals(Vocabulary.UNKNOWN)) {
                throw new IllegalArgumentException("vocabulary entry " + i + " is not one character: '" + SafeText.clip(String.valueOf(c)) + "'");
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("the vocabulary lists '" + SafeText.clip(c) + "' twice");
            }
            symbols.add(c);
        }
        return Vocabulary.fromSymbols(symbols);
    }

    /** Each of the model's parameters: PyTorch's, with the unknown symbol's row or column in front. */
    private static Tensor value(Parameter p, Weights network, Parts parts, RecurrentSpec rnn) {
        String name = p.name();
        if (name.equals("embed.weight")) {
            return withFirstRow(parts.embedding(), 0);
        }
        if (name.equals("decoder.weight")) {
            return withFirstRow(parts.decoderWeight(), 0);
        }
        if (name.equals("decoder.bias")) {
            Tensor b = parts.decoderBias();
            return Tensor.generate(DType.F32, Shape.of(b.size() + 1), i -> i == 0 ? ABSENT : b.get(i - 1));
        }
        Parameter own = new RecurrentNetwork(rnn).parameters().stream().filter(q -> q.name().equals(name)).findFirst().orElseThrow();
        Tensor t = network.get(own);
        if (parts.embedding() == null && name.startsWith("weight_ih_l0")) {
            int rows = t.shape().dim(0);
            int cols = t.shape().dim(1);
            return Tensor.generate(DType.F32, Shape.of(rows, cols + 1), i -> i % (cols + 1) == 0 ? 0 : t.get(i / (cols + 1) * cols + i % (cols + 1) - 1));
        }
        return t.to(DType.F32);
    }

    private static Tensor withFirstRow(Tensor t, double value) {
        int cols = t.shape().dim(1);
        return Tensor.generate(DType.F32, Shape.of(t.shape().dim(0) + 1, cols), i -> i < cols ? value : t.get(i - cols));
    }
}
