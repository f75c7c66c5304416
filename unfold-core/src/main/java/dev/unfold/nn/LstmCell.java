package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import java.util.List;

/**
 * Long short-term memory (Hochreiter &amp; Schmidhuber 1997; Deep Learning 10.10.1), PyTorch's
 * {@code LSTMCell}, gates in PyTorch's chunk order i, f, g, o:
 * <pre>
 * i = σ(x W_iiᵀ + b_ii + h W_hiᵀ + b_hi)      f = σ(x W_ifᵀ + b_if + h W_hfᵀ + b_hf)
 * g = tanh(x W_igᵀ + b_ig + h W_hgᵀ + b_hg)   o = σ(x W_ioᵀ + b_io + h W_hoᵀ + b_ho)
 * c′ = f ⊙ c + i ⊙ g                           h′ = o ⊙ tanh(c′)
 * </pre>
 * Output y_t = h′.
 *
 * <p>Shape: x (B, I), h and c (B, H); weight_ih (4H, I), weight_hh (4H, H), bias_ih and bias_hh (4H).
 */
public record LstmCell(int inputSize, int hiddenSize) implements Cell {
    @Override
    public String kind() {
        return "lstm";
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    public GateParameters weights() {
        return GateParameters.pytorch(4, inputSize, hiddenSize);
    }

    @Override
    public List<Parameter> parameters() {
        return weights().all();
    }

    @Override
    public List<StateSpec> states() {
        return List.of(new StateSpec("h", hiddenSize), new StateSpec("c", hiddenSize));
    }

    @Override
    public StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x, Var recurrent) {
        GateParameters w = weights();
        Var cPrev = state.get(1);
        Var gates = b.name(b.add(b.linear(x, p.of(w.weightIh()), p.of(w.biasIh())), b.linear(recurrent, p.of(w.weightHh()), p.of(w.biasHh()))), "gates");
        Var i = b.name(b.sigmoid(b.chunk(gates, 4, 0)), "i");
        Var f = b.name(b.sigmoid(b.chunk(gates, 4, 1)), "f");
        Var g = b.name(b.tanh(b.chunk(gates, 4, 2)), "g");
        Var o = b.name(b.sigmoid(b.chunk(gates, 4, 3)), "o");
        Var c = b.name(b.add(b.mul(f, cPrev), b.mul(i, g)), "c");
        Var next = b.name(b.mul(o, b.tanh(c)), "h");
        return new StepResult(List.of(next, c), next);
    }
}
