package dev.unfold.op;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;

/** A symbolic value: the node {@code id} of a graph under construction, with its shape and precision. */
public record Var(int id, Shape shape, DType dtype) {
}
