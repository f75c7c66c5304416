package dev.unfold.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedule's order for units that update a value in place (a weight gradient summed over chunks of steps). */
class ProgramScheduleTest {
    @Test
    void anUpdateFollowsTheWriterBeforeItAndOtherReadersTheLastWriter() {
        GraphBuilder b = new GraphBuilder();
        Var a = b.input("a", Shape.of(2), DType.F32);
        Var s = b.tanh(a);
        Var r = b.tanh(s);
        Graph g = b.build();
        Instruction none = v -> {
        };
        Unit first = new Unit(100, new int[0], new int[] {s.id()}, new int[] {a.id()}, none, "first");
        Unit second = new Unit(50, new int[0], new int[] {s.id()}, new int[] {a.id(), s.id()}, none, "second");
        Unit third = new Unit(0, new int[0], new int[] {s.id()}, new int[] {s.id()}, none, "third");
        Unit reader = new Unit(-5, new int[0], new int[] {r.id()}, new int[] {s.id()}, none, "reader");
        List<Unit> order = Program.schedule(g, List.of(reader, first, second, third));
        assertEquals(List.of("first", "second", "third", "reader"), order.stream().map(Unit::kind).toList());
    }
}
