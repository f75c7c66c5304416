package dev.unfold.graph;

import dev.unfold.op.Leaf;
import dev.unfold.op.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unfolding: {@code (LoopGraph, T) → DAG}. Each step gets its own copy of the body's operations, tagged
 * with the step and named {@code scope/name}; parameters and constants stay one node each, read by all
 * T steps; the delay edges become edges from the state of step t−1 to step t (or t+1 to t when the
 * recurrence runs backwards in time). A pure function: the loop is not changed.
 */
public final class Unfolder {
    private Unfolder() {
    }

    /**
     * What to connect an unfolded loop to inside a larger graph: parameter values in the loop's
     * {@code params} order, its shared inputs in {@code shared} order, initial state, per-step inputs
     * {@code inputs[t][k]}, the layer (and so the direction in time) the copies belong to, and the name prefix.
     */
    public record Wiring(List<Var> params, List<Var> shared, List<Var> initialState, List<List<Var>> inputs, Role.Layer layer, String scope) {
        public Wiring {
            params = List.copyOf(params);
            shared = List.copyOf(shared);
            initialState = List.copyOf(initialState);
            inputs = inputs.stream().map(List::copyOf).toList();
        }

        /** A wiring without shared inputs. */
        public Wiring(List<Var> params, List<Var> initialState, List<List<Var>> inputs, Role.Layer layer, String scope) {
            this(params, List.of(), initialState, inputs, layer, scope);
        }

        public Direction direction() {
            return layer.direction();
        }
    }

    /** The results of an unfolded loop: {@code outputs[t][k]}, {@code states[t][i]} after step t, and the final state. */
    public record Unrolled(List<List<Var>> outputs, List<List<Var>> states, List<Var> finalState) {
    }

    /**
     * The stand-alone unfolded graph: parameters named as in the body, initial state inputs named
     * {@code <state>0}, inputs {@code <input>[t]}; outputs {@code <output>[t]} and {@code <state>_n}.
     */
    public static Graph unfold(LoopGraph loop, int steps) {
        requireSteps(steps);
        GraphBuilder b = new GraphBuilder();
        List<Var> params = new ArrayList<>();
        for (int id : loop.params()) {
            Node p = loop.body().node(id);
            params.add(b.parameter(p.name(), p.shape(), p.dtype(), p.role()));
        }
        List<Var> shared = new ArrayList<>();
        for (int id : loop.shared()) {
            Node m = loop.body().node(id);
            shared.add(b.input(m.name(), m.shape(), m.dtype(), m.role()));
        }
        List<Var> state = new ArrayList<>();
        for (int id : loop.stateIn()) {
            Node s = loop.body().node(id);
            state.add(b.input(s.name() + "0", s.shape(), s.dtype(), s.role()));
        }
        List<List<Var>> inputs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            b.at(t);
            List<Var> xt = new ArrayList<>();
            for (int id : loop.inputs()) {
                Node x = loop.body().node(id);
                xt.add(b.input(x.name() + "[" + t + "]", x.shape(), x.dtype(), x.role()));
            }
            inputs.add(xt);
        }
        b.at(Node.NO_STEP);
        Unrolled r = into(b, loop, new Wiring(params, shared, state, inputs, Role.Layer.NONE, ""));
        for (int t = 0; t < steps; t++) {
            for (int k = 0; k < loop.outputs().size(); k++) {
                b.output(loop.body().node(loop.outputs().get(k)).name() + "[" + t + "]", r.outputs().get(t).get(k));
            }
        }
        for (int i = 0; i < loop.stateIn().size(); i++) {
            b.output(loop.body().node(loop.stateIn().get(i)).name() + "_n", r.finalState().get(i));
        }
        return Verifier.verify(b.build());
    }

    /** Unfolds {@code loop} into {@code b}, connected as {@code w} says. */
    public static Unrolled into(GraphBuilder b, LoopGraph loop, Wiring w) {
        int steps = w.inputs().size();
        requireSteps(steps);
        checkCounts(loop, w);
        int savedStep = b.step();
        String savedScope = b.scope();
        Role savedRole = b.role();
        Map<Integer, Var> shared = new HashMap<>();
        for (int i = 0; i < loop.params().size(); i++) {
            shared.put(loop.params().get(i), w.params().get(i));
        }
        for (int i = 0; i < loop.shared().size(); i++) {
            shared.put(loop.shared().get(i), w.shared().get(i));
        }
        List<List<Var>> outputs = new ArrayList<>();
        List<List<Var>> states = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            outputs.add(null);
            states.add(null);
        }
        List<Var> state = w.initialState();
        b.scope(w.scope());
        for (int k = 0; k < steps; k++) {
            int t = w.direction() == Direction.FORWARD ? k : steps - 1 - k;
            Var[] env = copyStep(b, loop, shared, state, w.inputs().get(t), t, w.layer());
            outputs.set(t, loop.outputs().stream().map(id -> env[id]).toList());
            state = loop.stateOut().stream().map(id -> env[id]).toList();
            states.set(t, state);
        }
        b.at(savedStep).scope(savedScope).as(savedRole);
        return new Unrolled(outputs, states, state);
    }

    /** The copies keep the body's roles, placed in the wiring's layer. */
    private static Var[] copyStep(GraphBuilder b, LoopGraph loop, Map<Integer, Var> shared, List<Var> state, List<Var> xt, int t, Role.Layer layer) {
        Graph body = loop.body();
        Var[] env = new Var[body.size()];
        for (int i = 0; i < loop.stateIn().size(); i++) {
            env[loop.stateIn().get(i)] = state.get(i);
        }
        for (int i = 0; i < loop.inputs().size(); i++) {
            env[loop.inputs().get(i)] = xt.get(i);
        }
        for (Node n : body.nodes()) {
            if (env[n.id()] != null) {
                continue;
            }
            Role role = new Role(n.role().kind(), layer, n.role().part());
            if (n.op() instanceof Leaf leaf) {
                env[n.id()] = shared.computeIfAbsent(n.id(), id -> b.at(Node.NO_STEP).as(role).constant(leaf.value()));
                continue;
            }
            Var[] args = n.inputs().stream().map(in -> env[in]).toArray(Var[]::new);
            env[n.id()] = b.at(t).as(role).apply(n.name(), n.op(), args);
        }
        return env;
    }

    private static void checkCounts(LoopGraph loop, Wiring w) {
        if (w.params().size() != loop.params().size() || w.initialState().size() != loop.stateIn().size() || w.shared().size() != loop.shared().size()) {
            throw new IllegalArgumentException(loop.name() + ": wiring gives " + w.params().size() + " params, " + w.shared().size() + " shared inputs and "
                    + w.initialState().size() + " states; the loop has " + loop.params().size() + ", " + loop.shared().size() + " and " + loop.stateIn().size());
        }
        for (List<Var> xt : w.inputs()) {
            if (xt.size() != loop.inputs().size()) {
                throw new IllegalArgumentException(loop.name() + ": a step has " + xt.size() + " inputs; the loop takes " + loop.inputs().size());
            }
            checkShapes(loop, loop.inputs(), xt);
        }
        checkShapes(loop, loop.params(), w.params());
        checkShapes(loop, loop.shared(), w.shared());
        checkShapes(loop, loop.stateIn(), w.initialState());
    }

    private static void checkShapes(LoopGraph loop, List<Integer> binders, List<Var> given) {
        for (int i = 0; i < binders.size(); i++) {
            Node n = loop.body().node(binders.get(i));
            Var v = given.get(i);
            if (!n.shape().equals(v.shape()) || n.dtype() != v.dtype()) {
                throw new IllegalArgumentException(loop.name() + ": '" + n.name() + "' must be " + n.dtype() + n.shape()
                        + ", wired to " + v.dtype() + v.shape());
            }
        }
    }

    private static void requireSteps(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("number of steps must be positive, got " + steps);
        }
    }
}
