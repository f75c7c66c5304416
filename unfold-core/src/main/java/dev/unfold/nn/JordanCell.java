package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Role;
import dev.unfold.op.MatMul;
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

    /** U, W, b, V, c. */
    public record BookParameters(Parameter u, Parameter w, Parameter b, Parameter v, Parameter c) {
    }

    public BookParameters weights() {
        Init init = Init.uniform(1 / Math.sqrt(hiddenSize));
        return new BookParameters(
                Parameter.of("weight_ih", Shape.of(hiddenSize, inputSize), init, Role.Part.INPUT_WEIGHT),
                Parameter.of("weight_oh", Shape.of(hiddenSize, outputSize), init, Role.Part.OUTPUT_FEEDBACK_WEIGHT),
                Parameter.of("bias_h", Shape.of(hiddenSize), init, Role.Part.BIAS),
                Parameter.of("weight_ho", Shape.of(outputSize, hiddenSize), init, Role.Part.OUTPUT_WEIGHT),
                Parameter.of("bias_o", Shape.of(outputSize), init, Role.Part.BIAS));
    }

    @Override
    public List<Parameter> parameters() {
        BookParameters w = weights();
        return List.of(w.u(), w.w(), w.b(), w.v(), w.c());
    }

    @Override
    public List<StateSpec> states() {
        return List.of(new StateSpec("o", outputSize));
    }

    @Override
    public StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x, Var recurrent) {
        BookParameters w = weights();
        Var a = b.add(b.linear(x, p.of(w.u()), p.of(w.b())), b.apply(MatMul.timesTransposed(), recurrent, p.of(w.w())));
        Var h = b.name(b.tanh(a), "h");
        Var o = b.name(b.linear(h, p.of(w.v()), p.of(w.c())), "o");
        return new StepResult(List.of(o), o);
    }
}
