package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import java.util.List;

/**
 * Elman network, PyTorch's {@code RNNCell}:
 * <pre>h′ = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)</pre>
 * with act = tanh or ReLU; in the book's notation (eq. 10.8-10.9) U = W_ih, W = W_hh, b = b_ih + b_hh.
 * Output y_t = h′.
 *
 * <p>Shape: x (B, I), h (B, H); weight_ih (H, I), weight_hh (H, H), bias_ih (H), bias_hh (H).
 */
public record RnnCell(int inputSize, int hiddenSize, Activation activation) implements Cell {
    /** The nonlinearity of an Elman cell. */
    public enum Activation { TANH, RELU }

    @Override
    public String kind() {
        return activation == Activation.TANH ? "rnn_tanh" : "rnn_relu";
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    public GateParameters weights() {
        return GateParameters.pytorch(1, inputSize, hiddenSize);
    }

    @Override
    public List<Parameter> parameters() {
        return weights().all();
    }

    @Override
    public List<StateSpec> states() {
        return List.of(new StateSpec("h", hiddenSize));
    }

    @Override
    public StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x, Var recurrent) {
        GateParameters w = weights();
        Var a = b.name(b.add(b.linear(x, p.of(w.weightIh()), p.of(w.biasIh())), b.linear(recurrent, p.of(w.weightHh()), p.of(w.biasHh()))), "a");
        Var next = b.name(activation == Activation.TANH ? b.tanh(a) : b.relu(a), "h");
        return new StepResult(List.of(next), next);
    }
}
