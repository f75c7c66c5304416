package dev.unfold.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.op.Add;
import dev.unfold.op.ShapeException;
import dev.unfold.op.Tanh;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerifierTest {
    @Test
    void builderRejectsShapesThatDoNotFit() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", Shape.of(2, 3), DType.F32);
        Var y = b.input("y", Shape.of(4), DType.F32);
        ShapeException e = assertThrows(ShapeException.class, () -> b.add(x, y));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
        Var z = b.input("z", Shape.of(2, 3), DType.F64);
        assertThrows(ShapeException.class, () -> b.add(x, z));
    }

    @Test
    void verifierFindsRecordedShapesTheRuleDoesNotGive() {
        GraphBuilder b = new GraphBuilder();
        Var x = b.input("x", Shape.of(2, 3), DType.F32);
        b.tanh(x);
        Graph good = b.build();
        Node bad = new Node(1, new Tanh(), List.of(0), Shape.of(3, 2), DType.F32, "tanh", Node.NO_STEP);
        Graph broken = new Graph(List.of(good.node(0), bad), Map.of());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Verifier.verify(broken));
        assertTrue(e.getMessage().contains("recorded shape [3, 2]"), e.getMessage());
    }

    @Test
    void verifierFindsEdgesThatGoBackwards() {
        Node x = new Node(0, dev.unfold.op.Leaf.input("x", Shape.of(2), DType.F32), List.of(), Shape.of(2), DType.F32, "x", 0);
        Node loop = new Node(1, new Add(), List.of(0, 1), Shape.of(2), DType.F32, "cycle", 0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Verifier.verify(new Graph(List.of(x, loop), Map.of())));
        assertTrue(e.getMessage().contains("does not come before"), e.getMessage());
    }

    @Test
    void loopGraphRejectsAStateThatChangesShape() {
        GraphBuilder b = new GraphBuilder();
        Var h = b.input("h", Shape.of(1, 3), DType.F32);
        Var x = b.input("x", Shape.of(1, 2), DType.F32);
        Var next = b.tanh(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LoopGraph("bad", b.build(), List.of(), List.of(h.id()), List.of(x.id()), List.of(next.id()), List.of(next.id())));
        assertTrue(e.getMessage().contains("state 'h'"), e.getMessage());
    }
}
