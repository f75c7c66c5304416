package dev.unfold.nn;

import dev.unfold.tensor.Shape;

/** A parameter a module declares: its name (PyTorch's), shape and initialiser. */
public record ParameterSpec(String name, Shape shape, Init init) {
    /** The same parameter under a suffixed name, as a layer and direction qualify it ({@code _l0_reverse}). */
    public ParameterSpec suffixed(String suffix) {
        return new ParameterSpec(name + suffix, shape, init);
    }
}
