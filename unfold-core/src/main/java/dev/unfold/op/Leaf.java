package dev.unfold.op;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * A node without inputs: a trainable parameter, a fed input (data or initial state), or a constant.
 * Parameters and inputs take their values from the bindings of an execution.
 */
public record Leaf(Kind kind, String label, Shape fixedShape, DType fixedDtype, Tensor value) implements Op {

    /** What feeds a leaf. */
    public enum Kind { PARAMETER, INPUT, CONSTANT }

    public static Leaf parameter(String name, Shape shape, DType dtype) {
        return new Leaf(Kind.PARAMETER, name, shape, dtype, null);
    }

    public static Leaf input(String name, Shape shape, DType dtype) {
        return new Leaf(Kind.INPUT, name, shape, dtype, null);
    }

    public static Leaf constant(Tensor value) {
        return new Leaf(Kind.CONSTANT, "const", value.shape(), value.dtype(), value);
    }

    @Override
    public String name() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Shape shape(List<Shape> in) {
        return fixedShape;
    }

    @Override
    public DType dtype(List<DType> in) {
        return fixedDtype;
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        if (kind != Kind.CONSTANT) {
            throw new IllegalStateException(name() + " '" + label + "' has no bound value");
        }
        return value;
    }

    @Override
    public void vjp(VjpContext c) {
    }

    @Override
    public int arity() {
        return 0;
    }
}
