package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import java.util.List;

/**
 * Gated recurrent unit (Cho et al. 2014; Deep Learning 10.10.2), PyTorch's {@code GRUCell}, gates in
 * PyTorch's order r, z, n, with the reset gate applied to {@code h W_hnᵀ + b_hn}:
 * <pre>
 * r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr)      z = σ(x W_izᵀ + b_iz + h W_hzᵀ + b_hz)
 * n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
 * h′ = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * Output y_t = h′.
 *
 * <p>Shape: x (B, I), h (B, H); weight_ih (3H, I), weight_hh (3H, H), bias_ih and bias_hh (3H).
 */
public record GruCell(int inputSize, int hiddenSize) implements Cell {
    @Override
    public String kind() {
        return "gru";
    }

    @Override
    public int outputSize() {
        return hiddenSize;
    }

    public GateParameters weights() {
        return GateParameters.pytorch(3, inputSize, hiddenSize);
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
        Var h = state.get(0);
        Var gi = b.name(b.linear(x, p.of(w.weightIh()), p.of(w.biasIh())), "gi");
        Var gh = b.name(b.linear(recurrent, p.of(w.weightHh()), p.of(w.biasHh())), "gh");
        Var r = b.name(b.sigmoid(b.add(b.chunk(gi, 3, 0), b.chunk(gh, 3, 0))), "r");
        Var z = b.name(b.sigmoid(b.add(b.chunk(gi, 3, 1), b.chunk(gh, 3, 1))), "z");
        Var n = b.name(b.tanh(b.add(b.chunk(gi, 3, 2), b.mul(r, b.chunk(gh, 3, 2)))), "n");
        Var next = b.name(b.add(b.mul(b.oneMinus(z), n), b.mul(z, h)), "h");
        return new StepResult(List.of(next), next);
    }
}
