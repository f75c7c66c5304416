package dev.unfold.nn;

import dev.unfold.graph.Role;
import dev.unfold.tensor.Shape;
import java.util.List;

/**
 * PyTorch's four parameters of a gated recurrent layer, {@code gates} gates stacked in its chunk order:
 * weight_ih (G·H, I), weight_hh (G·H, H), bias_ih and bias_hh (G·H), all uniform ±1/√H.
 */
public record GateParameters(Parameter weightIh, Parameter weightHh, Parameter biasIh, Parameter biasHh) {
    public static GateParameters pytorch(int gates, int inputSize, int hiddenSize) {
        Init init = Init.uniform(1 / Math.sqrt(hiddenSize));
        int rows = gates * hiddenSize;
        return new GateParameters(
                Parameter.of("weight_ih", Shape.of(rows, inputSize), init, Role.Part.INPUT_WEIGHT),
                Parameter.of("weight_hh", Shape.of(rows, hiddenSize), init, Role.Part.HIDDEN_WEIGHT),
                Parameter.of("bias_ih", Shape.of(rows), init, Role.Part.BIAS),
                Parameter.of("bias_hh", Shape.of(rows), init, Role.Part.BIAS));
    }

    /** In PyTorch's order. */
    public List<Parameter> all() {
        return List.of(weightIh, weightHh, biasIh, biasHh);
    }
}
