package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * Jordan network: recurrence from the output to the hidden units only (Deep Learning, fig. 10.4 and
 * eq. 10.8-10.11 with o^(t−1) in place of h^(t−1)):
 * <pre>h = tanh(b + W o^(t−1) + U x)        o^(t) = c + V h</pre>
 * The carried state is o, which is also the output y_t. PyTorch has no such module; the names follow its
 * convention: weight_ih = U, weight_oh = W, bias_h = b, weight_ho = V, bias_o = c.
 *
 * <p>Shape: x (B, I), h (B, H), o (B, O); U (H, I), W (H, O), b (H), V (O, H), c (O).
 */
public record JordanCell(int inputSize, int hiddenSize, int outputSize) implements Cell {
    @Override
    public String kind() {
        return "jordan";
    }

    @Override
    public List<ParameterSpec> parameters() {
        Init init = Init.uniform(1 / Math.sqrt(hiddenSize));
        return List.of(
                new ParameterSpec("weight_ih", Shape.of(hiddenSize, inputSize), init),
                new ParameterSpec("weight_oh", Shape.of(hiddenSize, outputSize), init),
                new ParameterSpec("bias_h", Shape.of(hiddenSize), init),
                new ParameterSpec("weight_ho", Shape.of(outputSize, hiddenSize), init),
                new ParameterSpec("bias_o", Shape.of(outputSize), init));
    }

    @Override
    public List<StateSpec> states() {
        return List.of(new StateSpec("o", outputSize));
    }

    @Override
    public StepResult step(GraphBuilder b, List<Var> p, List<Var> state, Var x) {
        Var a = b.add(b.linear(x, p.get(0), p.get(2)), b.apply(dev.unfold.op.MatMul.timesTransposed(), state.get(0), p.get(1)));
        Var h = b.name(b.tanh(a), "h");
        Var o = b.name(b.linear(h, p.get(3), p.get(4)), "o");
        return new StepResult(List.of(o), o);
    }
}
