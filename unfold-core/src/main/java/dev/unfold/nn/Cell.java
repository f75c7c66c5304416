package dev.unfold.nn;

import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.LoopGraph;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A recurrent cell: the parameters it declares and the equations of one step. {@link #fold} turns
 * the step into the folded graph; time belongs to {@link dev.unfold.graph.Unfolder}.
 */
public interface Cell {
    /** The next state and the step's output. */
    record StepResult(List<Var> state, Var output) {
    }

    /** The cell's name in listings and on the command line ({@code lstm}). */
    String kind();

    int inputSize();

    /** Width of the output y_t. */
    int outputSize();

    /** Parameters by PyTorch's names without the layer suffix, in PyTorch's order. */
    List<ParameterSpec> parameters();

    List<StateSpec> states();

    /** Emits one step into {@code b}: {@code params} in {@link #parameters()} order, {@code state} in {@link #states()} order. */
    StepResult step(GraphBuilder b, List<Var> params, List<Var> state, Var x);

    /** The folded graph of this cell for batches of {@code batch} rows. */
    default LoopGraph fold(int batch, DType dtype) {
        GraphBuilder b = new GraphBuilder();
        List<Var> params = new ArrayList<>();
        for (ParameterSpec p : parameters()) {
            params.add(b.parameter(p.name(), p.shape(), dtype));
        }
        List<Var> state = new ArrayList<>();
        for (StateSpec s : states()) {
            state.add(b.input(s.name(), Shape.of(batch, s.size()), dtype));
        }
        Var x = b.input("x", Shape.of(batch, inputSize()), dtype);
        StepResult r = step(b, params, state, x);
        return new LoopGraph(kind(), b.build(), ids(params), ids(state), List.of(x.id()), ids(r.state()), List.of(r.output().id()));
    }

    private static List<Integer> ids(List<Var> vars) {
        return vars.stream().map(Var::id).toList();
    }
}
