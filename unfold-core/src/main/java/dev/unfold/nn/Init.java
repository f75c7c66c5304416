package dev.unfold.nn;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Random;

/** How a parameter gets its first value. */
@FunctionalInterface
public interface Init {
    Tensor create(Shape shape, DType dtype, Random rng);

    /** Uniform on [−bound, bound]: PyTorch's default for recurrent layers with bound = 1/√H. */
    static Init uniform(double bound) {
        return (shape, dtype, rng) -> Tensor.uniform(dtype, shape, -bound, bound, rng);
    }
}
