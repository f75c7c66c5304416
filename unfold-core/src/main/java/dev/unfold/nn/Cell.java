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

    /**
     * Emits one step into {@code b}: {@code state} in {@link #states()} order; {@code recurrent} is the first
     * state as the recurrent weights read it (the state itself, or it under a variational dropout mask).
     */
    StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x, Var recurrent);

    /** A step whose recurrent weights read the state as it is. */
    default StepResult step(GraphBuilder b, Bindings p, List<Var> state, Var x) {
        return step(b, p, state, x, state.get(0));
    }

    /**
     * How a cell's step is regularised when it folds: variational masks on its input and on the state its
     * recurrent weights read (shared inputs of the loop, the same at every step), and zoneout of the carried
     * states with probability {@code zoneout}: with a mask input per state and step in training, as the
     * expectation in evaluation. With {@code lengths}, each step also reads whether it lies within each row's
     * sequence, and a padded step keeps the state and emits zeros.
     */
    record Folding(boolean inputMask, boolean recurrentMask, double zoneout, Phase phase, boolean lengths) {
        public static final Folding PLAIN = new Folding(false, false, 0, Phase.EVALUATION, false);

        /** The folding a network regularised by {@code reg} gives its cells in {@code phase}. */
        public static Folding of(Regularization reg, Phase phase) {
            boolean variational = phase == Phase.TRAINING && reg.variational() > 0;
            return new Folding(variational, variational, reg.zoneout(), phase, false);
        }

        /** This folding for sequences of their own lengths. */
        public Folding withLengths() {
            return new Folding(inputMask, recurrentMask, zoneout, phase, true);
        }

        boolean training() {
            return phase == Phase.TRAINING;
        }
    }

    /**
     * The folded graph of this cell for batches of {@code batch} rows. Its nodes carry roles: parameters,
     * the carried states (their inputs and next values), the input, and the gates in between.
     */
    default LoopGraph fold(int batch, DType dtype) {
        return fold(batch, dtype, Folding.PLAIN);
    }

    /**
     * The folded graph as {@code folding} regularises it. Its shared inputs are the input mask and then the
     * recurrent mask, as asked for in training; its inputs are x, then, in training with zoneout, one mask
     * per state, and last, with lengths, the step's validity v (B, 1): {@code s_t = v ⊙ s'_t + (1 − v) ⊙ s_{t−1}}
     * and {@code y_t = v ⊙ y'_t}, where s' and y' are the step's own results (PyTorch's packed sequences).
     */
    default LoopGraph fold(int batch, DType dtype, Folding folding) {
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
        List<Var> shared = new ArrayList<>();
        List<Var> inputs = new ArrayList<>(List.of(x));
        boolean training = folding.training();
        Var in = x;
        Var recurrent = state.get(0);
        b.as(Role.of(Role.Kind.GATE));
        if (training && folding.inputMask()) {
            Var m = b.input("mask_x", x.shape(), dtype, Role.of(Role.Kind.MASK));
            shared.add(m);
            in = b.name(b.mul(x, m), "x~");
        }
        if (training && folding.recurrentMask()) {
            Var m = b.input("mask_" + states().get(0).name(), recurrent.shape(), dtype, Role.of(Role.Kind.MASK));
            shared.add(m);
            recurrent = b.name(b.mul(recurrent, m), states().get(0).name() + "~");
        }
        List<Var> zone = new ArrayList<>();
        if (training && folding.zoneout() > 0) {
            for (StateSpec s : states()) {
                Var m = b.input("zone_" + s.name(), Shape.of(batch, s.size()), dtype, Role.of(Role.Kind.MASK));
                zone.add(m);
                inputs.add(m);
            }
        }
        StepResult r = step(b, p -> {
            Var v = params.get(p);
            if (v == null) {
                throw new IllegalArgumentException(kind() + " has no parameter " + p.name());
            }
            return v;
        }, state, in, recurrent);
        List<Var> next = r.state();
        Var output = r.output();
        if (folding.zoneout() > 0) {
            List<Var> zoned = new ArrayList<>();
            for (int i = 0; i < next.size(); i++) {
                Var kept = b.sub(state.get(i), next.get(i));
                Var mixed = training ? b.mul(zone.get(i), kept) : b.affine(folding.zoneout(), 0, kept);
                zoned.add(b.name(b.add(next.get(i), mixed), states().get(i).name()));
            }
            output = output.id() == next.get(0).id() ? zoned.get(0) : output;
            next = zoned;
        }
        if (folding.lengths()) {
            Var valid = b.input("valid", Shape.of(batch, 1), dtype, Role.of(Role.Kind.VALID));
            inputs.add(valid);
            Var padded = b.name(b.oneMinus(valid), "padded");
            List<Var> held = new ArrayList<>();
            for (int i = 0; i < next.size(); i++) {
                held.add(b.name(b.add(b.mul(next.get(i), valid), b.mul(state.get(i), padded)), states().get(i).name()));
            }
            output = b.name(b.mul(output, valid), "y");
            next = held;
        }
        for (Var s : next) {
            b.role(s, Role.of(Role.Kind.STATE));
        }
        return new LoopGraph(kind(), b.build(), ids(paramVars), ids(shared), ids(state), ids(inputs), ids(next), List.of(output.id()));
    }

    private static List<Integer> ids(List<Var> vars) {
        return vars.stream().map(Var::id).toList();
    }
}
