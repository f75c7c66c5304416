package dev.unfold.op;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * A primitive operation: shape rule, forward and vector-Jacobian product, declared side by side.
 * Ops are immutable values; their attributes are record components.
 */
public sealed interface Op permits Leaf, Add, Mul, Affine, MatMul, Tanh, Sigmoid, Relu, Step, SumTo,
        BroadcastTo, Slice, Pad, Concat, Reshape, Gather, ScatterAdd, OneHot, Softmax, SoftmaxCrossEntropy,
        WeightedCrossEntropy {

    /** Short lowercase name used in drawings and listings. */
    String name();

    /** Output shape for the given input shapes; throws {@link ShapeException} when they do not fit. */
    Shape shape(List<Shape> in);

    /** Output precision; by default that of the first input. */
    default DType dtype(List<DType> in) {
        DType first = in.get(0);
        for (DType d : in) {
            if (d != first) {
                throw new ShapeException(name() + ": inputs mix " + first + " and " + d);
            }
        }
        return first;
    }

    /** The output value for the given input values. */
    Tensor forward(List<Tensor> in);

    /** Emits {@code dL/dx_i} for each differentiable input, given {@code dL/dy}. */
    void vjp(VjpContext c);

    /** How many inputs the op takes, or -1 for any number. */
    int arity();
}
