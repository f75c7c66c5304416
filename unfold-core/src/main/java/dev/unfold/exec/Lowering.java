package dev.unfold.exec;

import dev.unfold.graph.Graph;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import java.util.Map;

/**
 * How one primitive becomes a single-precision {@link Instruction}, specialised at compile time to its
 * node's shapes. Each op's lowering is declared once, in {@link Lowerings}.
 */
@FunctionalInterface
interface Lowering {
    Instruction lower(Node n, Context c);

    /**
     * What a lowering may use besides its node: the graph, one backend copy per parameter shared by all the
     * products that read it ({@code caches}), and one laid-out copy per bias and row count shared by all the
     * steps that add it ({@code rows}).
     */
    record Context(Graph graph, Map<Integer, Gemm.OperandCache> caches, Map<Long, ElementwiseLowerings.TiledRow> rows) {
        Node input(Node n, int i) {
            return graph.node(n.inputs().get(i));
        }

        int[] inputs(Node n) {
            return n.inputs().stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
