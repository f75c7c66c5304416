package dev.unfold.graph;

import dev.unfold.op.Leaf;
import java.util.List;

/**
 * The folded form of a recurrence: one step's body with fixed binder groups, as in {@code lax.scan}'s
 * {@code (carry, x) → (carry′, y)}. The body reads {@code params}, the {@code shared} inputs (fed once and
 * read by every step, as a parameter is: a variational dropout mask), the carried {@code stateIn} and the
 * step's {@code inputs}, and yields {@code stateOut} and {@code outputs}. Each {@code stateOut[i]} feeds
 * {@code stateIn[i]} of the next step through a one-step delay: these are the recurrent edges.
 *
 * <p>All lists hold node ids of {@code body}.
 */
public record LoopGraph(String name, Graph body, List<Integer> params, List<Integer> shared, List<Integer> stateIn,
        List<Integer> inputs, List<Integer> stateOut, List<Integer> outputs) {

    /** A loop without shared inputs. */
    public LoopGraph(String name, Graph body, List<Integer> params, List<Integer> stateIn, List<Integer> inputs, List<Integer> stateOut,
            List<Integer> outputs) {
        this(name, body, params, List.of(), stateIn, inputs, stateOut, outputs);
    }

    public LoopGraph {
        params = List.copyOf(params);
        shared = List.copyOf(shared);
        stateIn = List.copyOf(stateIn);
        inputs = List.copyOf(inputs);
        stateOut = List.copyOf(stateOut);
        outputs = List.copyOf(outputs);
        Verifier.verify(body);
        requireLeaves(body, params, Leaf.Kind.PARAMETER, "params");
        requireLeaves(body, shared, Leaf.Kind.INPUT, "shared");
        requireLeaves(body, stateIn, Leaf.Kind.INPUT, "state");
        requireLeaves(body, inputs, Leaf.Kind.INPUT, "inputs");
        if (stateIn.size() != stateOut.size()) {
            throw new IllegalArgumentException(name + ": " + stateIn.size() + " state inputs but " + stateOut.size() + " state outputs");
        }
        for (int i = 0; i < stateIn.size(); i++) {
            var in = body.node(stateIn.get(i));
            var out = body.node(stateOut.get(i));
            if (!in.shape().equals(out.shape()) || in.dtype() != out.dtype()) {
                throw new IllegalArgumentException(name + ": state '" + in.name() + "' is " + in.shape()
                        + " but its next value '" + out.name() + "' is " + out.shape());
            }
        }
        for (var n : body.nodes()) {
            boolean bound = params.contains(n.id()) || shared.contains(n.id()) || stateIn.contains(n.id()) || inputs.contains(n.id());
            if (!bound && (n.is(Leaf.Kind.PARAMETER) || n.is(Leaf.Kind.INPUT))) {
                throw new IllegalArgumentException(name + ": leaf '" + n.name() + "' belongs to no binder group");
            }
        }
    }

    /** The delay edges {@code stateOut[i] → stateIn[i]}, as pairs of body node ids. */
    public List<int[]> delayEdges() {
        return java.util.stream.IntStream.range(0, stateIn.size())
                .mapToObj(i -> new int[] {stateOut.get(i), stateIn.get(i)}).toList();
    }

    /** Nodes of the body that are computed, not bound: the cell's own operations. */
    public List<Node> operations() {
        return body.nodes().stream().filter(n -> !(n.op() instanceof Leaf)).toList();
    }

    private static void requireLeaves(Graph body, List<Integer> ids, Leaf.Kind kind, String group) {
        for (int id : ids) {
            if (id < 0 || id >= body.size() || !body.node(id).is(kind)) {
                throw new IllegalArgumentException("binder group " + group + " holds node " + id + ", which is not a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " leaf");
            }
        }
    }
}
