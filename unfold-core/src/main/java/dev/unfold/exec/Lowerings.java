package dev.unfold.exec;

import dev.unfold.graph.Node;
import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.BroadcastTo;
import dev.unfold.op.Concat;
import dev.unfold.op.Gather;
import dev.unfold.op.MatMul;
import dev.unfold.op.Mul;
import dev.unfold.op.OneHot;
import dev.unfold.op.Op;
import dev.unfold.op.Pad;
import dev.unfold.op.Relu;
import dev.unfold.op.Reshape;
import dev.unfold.op.ScatterAdd;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.Softmax;
import dev.unfold.op.SoftmaxCrossEntropy;
import dev.unfold.op.Step;
import dev.unfold.op.SumTo;
import dev.unfold.op.Tanh;
import dev.unfold.op.WeightedCrossEntropy;
import java.util.Map;
import java.util.Set;

/**
 * The single-precision lowering of every computed primitive, one entry per sealed {@link Op} type; leaves
 * are fed, not computed. {@code LoweringsTest} fails when an op has no entry here.
 */
final class Lowerings {
    private static final Map<Class<? extends Op>, Lowering> TABLE = Map.ofEntries(
            Map.entry(Add.class, ElementwiseLowerings::add),
            Map.entry(Mul.class, ElementwiseLowerings::mul),
            Map.entry(Affine.class, ElementwiseLowerings::affine),
            Map.entry(Tanh.class, ElementwiseLowerings::tanh),
            Map.entry(Sigmoid.class, ElementwiseLowerings::sigmoid),
            Map.entry(Relu.class, ElementwiseLowerings::relu),
            Map.entry(Step.class, ElementwiseLowerings::step),
            Map.entry(MatMul.class, ProductLowering::matmul),
            Map.entry(SumTo.class, ShapeLowerings::sumTo),
            Map.entry(BroadcastTo.class, ShapeLowerings::broadcastTo),
            Map.entry(Slice.class, ShapeLowerings::slice),
            Map.entry(Pad.class, ShapeLowerings::pad),
            Map.entry(Concat.class, ShapeLowerings::concat),
            Map.entry(Reshape.class, ShapeLowerings::reshape),
            Map.entry(Gather.class, LookupLowerings::gather),
            Map.entry(ScatterAdd.class, LookupLowerings::scatterAdd),
            Map.entry(OneHot.class, LookupLowerings::oneHot),
            Map.entry(Softmax.class, LookupLowerings::softmax),
            Map.entry(SoftmaxCrossEntropy.class, LookupLowerings::crossEntropy),
            Map.entry(WeightedCrossEntropy.class, LookupLowerings::weightedCrossEntropy));

    private Lowerings() {
    }

    static Instruction of(Node n, Lowering.Context c) {
        Lowering l = TABLE.get(n.op().getClass());
        if (l == null) {
            throw new IllegalStateException(n.op().name() + " has no compiled instruction; leaves are fed, not computed");
        }
        return l.lower(n, c);
    }

    /** The op types that have a lowering. */
    static Set<Class<? extends Op>> lowered() {
        return TABLE.keySet();
    }
}
