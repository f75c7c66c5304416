package dev.unfold.exec;

import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;

/** A matrix product on the GEMM backend; a parameter's right operand is kept by the backend once per new array. */
final class ProductLowering {
    private ProductLowering() {
    }

    static Instruction matmul(Node n, Lowering.Context c) {
        MatMul mm = (MatMul) n.op();
        int[] in = c.inputs(n);
        int o = n.id();
        int m = n.shape().dim(0);
        int cols = n.shape().dim(1);
        int k = mm.opA() == Gemm.Op.N ? c.input(n, 0).shape().dim(1) : c.input(n, 0).shape().dim(0);
        if (c.input(n, 1).is(Leaf.Kind.PARAMETER)) {
            Gemm.OperandCache cache = c.caches().computeIfAbsent(in[1], id -> new Gemm.OperandCache());
            return v -> Gemm.mmImmutableB(cache, v[in[0]], mm.opA(), v[in[1]], mm.opB(), v[o], m, cols, k);
        }
        return v -> Gemm.mm(v[in[0]], mm.opA(), v[in[1]], mm.opB(), v[o], m, cols, k, false);
    }
}
