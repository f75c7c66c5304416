package dev.unfold.op;

import dev.unfold.kernel.Gemm;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.List;

/**
 * {@code C = op(A) op(B)} for matrices, {@code op} the identity ({@code N}) or the transpose
 * ({@code T}); {@code x Wᵀ} is {@code MatMul(N, T)}. VJP, for {@code C = A B}: {@code dA = G Bᵀ},
 * {@code dB = Aᵀ G}, with the transposes moved onto the other operands for the other three forms.
 */
public record MatMul(Gemm.Op opA, Gemm.Op opB) implements Op {
    public static MatMul plain() {
        return new MatMul(Gemm.Op.N, Gemm.Op.N);
    }

    /** {@code x Wᵀ}, the product of a linear layer with PyTorch's (out, in) weight layout. */
    public static MatMul timesTransposed() {
        return new MatMul(Gemm.Op.N, Gemm.Op.T);
    }

    @Override
    public String name() {
        return opA == Gemm.Op.N && opB == Gemm.Op.N ? "matmul" : "matmul_" + opA.name().toLowerCase(java.util.Locale.ROOT) + opB.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Shape shape(List<Shape> in) {
        Shape a = in.get(0);
        Shape b = in.get(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new ShapeException(name() + ": needs matrices, got " + a + " and " + b);
        }
        int m = rows(a, opA);
        int k = cols(a, opA);
        int kb = rows(b, opB);
        if (k != kb) {
            throw new ShapeException(name() + ": inner dimensions differ, " + a + " and " + b);
        }
        return Shape.of(m, cols(b, opB));
    }

    @Override
    public Tensor forward(List<Tensor> in) {
        Tensor a = in.get(0);
        Tensor b = in.get(1);
        Shape out = shape(List.of(a.shape(), b.shape()));
        int m = out.dim(0);
        int n = out.dim(1);
        int k = cols(a.shape(), opA);
        if (a.dtype() == DType.F32) {
            return Tensor.wrap(out, Gemm.mm(a.f32(), opA, b.f32(), opB, new float[m * n], m, n, k));
        }
        return Tensor.wrap(out, Gemm.mm(a.f64(), opA, b.f64(), opB, new double[m * n], m, n, k));
    }

    @Override
    public void vjp(VjpContext c) {
        Var a = c.input(0);
        Var b = c.input(1);
        Var g = c.grad();
        Gemm.Op n = Gemm.Op.N;
        Gemm.Op t = Gemm.Op.T;
        if (opA == n && opB == n) {
            c.accumulate(0, c.apply(new MatMul(n, t), g, b));
            c.accumulate(1, c.apply(new MatMul(t, n), a, g));
        } else if (opA == n) {
            c.accumulate(0, c.apply(new MatMul(n, n), g, b));
            c.accumulate(1, c.apply(new MatMul(t, n), g, a));
        } else if (opB == n) {
            c.accumulate(0, c.apply(new MatMul(n, t), b, g));
            c.accumulate(1, c.apply(new MatMul(n, n), a, g));
        } else {
            c.accumulate(0, c.apply(new MatMul(t, t), b, g));
            c.accumulate(1, c.apply(new MatMul(t, t), g, a));
        }
    }

    @Override
    public int arity() {
        return 2;
    }

    private static int rows(Shape s, Gemm.Op op) {
        return op == Gemm.Op.N ? s.dim(0) : s.dim(1);
    }

    private static int cols(Shape s, Gemm.Op op) {
        return op == Gemm.Op.N ? s.dim(1) : s.dim(0);
    }
}
