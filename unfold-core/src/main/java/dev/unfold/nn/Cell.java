package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.LoopGraph;
import dev.unfold.graph.Role;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurrent cell: the parameters it declares and the equations of one step. {@link #fold} turns
 * the step into the folded graph; time belongs to {@link dev.unfold.graph.Unfolder}.
 */
public interface Cell {
    /** The next state and the step's output. */
    record StepResult(List<Var> state, Var output) {
    }

    /** The graph value of each of the cell's own parameters while a step is written. */
    @FunctionalInterface
    interface Bindings {
        Var of(Parameter p);
    }

    /** The cell's name in listings and on the command line ({@code lstm}). */
    String kind();

    int inputSize();

    /** Width of the output y_t. */
    int outputSize();

    /** Parameters by PyTorch's names without the layer suffix, in PyTorch's order. */
    List<Parameter> parameters();

    List<StateSpec> states();

    /** Emits one step into {@code b}: {@code state} in {@link #states()} order. */
    StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x);

    /**
     * The folded graph of this cell for batches of {@code batch} rows. Its nodes carry roles: parameters,
     * the carried states (their inputs and next values), the input, and the gates in between.
     */
    default LoopGraph fold(int batch, DType dtype) {
        GraphBuilder b = new GraphBuilder();
        Map<Parameter, Var> params = new HashMap<>();
        List<Var> paramVars = new ArrayList<>();
        for (Parameter p : parameters()) {
            Var v = b.parameter(p.name(), p.shape(), dtype, p.role());
            params.put(p, v);
            paramVars.add(v);
        }
        List<Var> state = new ArrayList<>();
        for (StateSpec s : states()) {
            state.add(b.input(s.name(), Shape.of(batch, s.size()), dtype, Role.of(Role.Kind.STATE)));
        }
        Var x = b.input("x", Shape.of(batch, inputSize()), dtype, Role.of(Role.Kind.INPUT));
        b.as(Role.of(Role.Kind.GATE));
        StepResult r = step(b, p -> {
            Var v = params.get(p);
            if (v == null) {
                throw new IllegalArgumentException(kind() + " has no parameter " + p.name());
            }
            return v;
        }, state, x);
        for (Var s : r.state()) {
            b.role(s, Role.of(Role.Kind.STATE));
        }
        return new LoopGraph(kind(), b.build(), ids(paramVars), ids(state), List.of(x.id()), ids(r.state()), List.of(r.output().id()));
    }

    private static List<Integer> ids(List<Var> vars) {
        return vars.stream().map(Var::id).toList();
    }
}
