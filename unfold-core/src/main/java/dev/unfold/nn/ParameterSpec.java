package dev.unfold.nn;

import dev.unfold.tensor.Shape;

/** A parameter a module declares: its name (PyTorch's), shape and initialiser. */
public record ParameterSpec(String name, Shape shape, Init init) {
    /**
     * PyTorch's four recurrent parameters for {@code gates} gates stacked in its chunk order:
     * weight_ih (G·H, I), weight_hh (G·H, H), bias_ih and bias_hh (G·H), all uniform ±1/√H.
     */
    public static java.util.List<ParameterSpec> torchRecurrent(int gates, int inputSize, int hiddenSize) {
        Init init = Init.uniform(1 / Math.sqrt(hiddenSize));
        int rows = gates * hiddenSize;
        return java.util.List.of(
                new ParameterSpec("weight_ih", Shape.of(rows, inputSize), init),
                new ParameterSpec("weight_hh", Shape.of(rows, hiddenSize), init),
                new ParameterSpec("bias_ih", Shape.of(rows), init),
                new ParameterSpec("bias_hh", Shape.of(rows), init));
    }

    /** The same parameter under a suffixed name, as a layer and direction qualify it ({@code _l0_reverse}). */
    public ParameterSpec suffixed(String suffix) {
        return new ParameterSpec(name + suffix, shape, init);
    }
}
