package dev.unfold.op;

import dev.unfold.kernel.Elementwise;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * {@code y = scale * x + shift}, element-wise. Negation, {@code 1 - x} and scaling by a constant are
 * all this op. VJP: {@code dx = scale * g}.
 */
public record Affine(double scale, double shift) implements Op {
    public static Affine negate() {
        return new Affine(-1, 0);
    }

    public static Affine oneMinus() {
        return new Affine(-1, 1);
    }

    public static Affine scaleBy(double s) {
        return new Affine(s, 0);
    }

    @Override
    public String name() {
        if (shift == 0) {
            return scale == -1 ? "neg" : "scale " + scale;
        }
        return scale == -1 && shift == 1 ? "1-x" : "affine";
    }

    @Override
    public Shape shape(List<Shape> in) {
        return in.get(0);
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        return Elementwise.map(in.get(0), x -> scale * x + shift);
    }

    @Override
    public void vjp(VjpContext c) {
        c.accumulate(0, c.apply(scaleBy(scale), c.grad()));
    }

    @Override
    public int arity() {
        return 1;
    }
}
