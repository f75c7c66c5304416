package dev.unfold.nn;

import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.Random;

/** How a parameter gets its first value. Inits are values: two equal inits draw the same numbers from the same generator. */
public sealed interface Init {
    Tensor create(Shape shape, DType dtype, Random rng);

    /** Uniform on [−bound, bound]: PyTorch's default for recurrent layers with bound = 1/√H. */
    static Init uniform(double bound) {
        return new Uniform(bound);
    }

    /** Uniform on [−bound, bound]. */
    record Uniform(double bound) implements Init {
        public Uniform {
            if (!(bound >= 0) || Double.isInfinite(bound)) {
                throw new IllegalArgumentException("a uniform init needs a finite bound of at least 0, got " + bound);
            }
        }

        @Override
        public Tensor create(Shape shape, DType dtype, Random rng) {
            return Tensor.uniform(dtype, shape, -bound, bound, rng);
        }
    }
}
