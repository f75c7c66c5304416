package dev.unfold.nn;

import dev.unfold.graph.Direction;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.graph.Unfolder;
import dev.unfold.op.Concat;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacked, optionally bidirectional recurrent layers unfolded over T steps into one graph. Layer l of
 * direction d is its own folded cell, unfolded with scope {@code l<l>} or {@code l<l>_reverse}; the
 * reverse chain runs from step T−1 to step 0; layer l+1 reads the per-step outputs of layer l (both
 * directions concatenated). Parameter names are PyTorch's state-dict names.
 */
public final class RecurrentNetwork {
    private final RecurrentSpec spec;
    private final List<Parameter> parameters;
    private final List<RecurrentState.Slot> slots;

    public RecurrentNetwork(RecurrentSpec spec) {
        this.spec = spec;
        List<Parameter> all = new ArrayList<>();
        List<RecurrentState.Slot> states = new ArrayList<>();
        for (Role.Layer layer : layers()) {
            for (Parameter p : cell(layer.index()).parameters()) {
                all.add(p.in(layer));
            }
            for (StateSpec s : cell(layer.index()).states()) {
                states.add(new RecurrentState.Slot(layer, s));
            }
        }
        this.parameters = List.copyOf(all);
        this.slots = List.copyOf(states);
    }

    public RecurrentSpec spec() {
        return spec;
    }

    /** One layer and direction after unfolding: its initial states (in its cell's state order), states after each step, outputs. */
    public record Run(Role.Layer layer, List<RecurrentState.Slot> slots, List<Var> initialState,
            List<List<Var>> states, List<Var> outputs, List<Var> finalState) {
        public String scope() {
            return layer.scope();
        }

        public Direction direction() {
            return layer.direction();
        }
    }

    /** The unfolded network inside a graph under construction. */
    public record Unfolded(Map<Parameter, Var> params, List<Var> inputs, List<Run> runs, List<Var> outputs) {
    }

    /** The cell of layer {@code layer} (the same for both directions). */
    public Cell cell(int layer) {
        int in = layer == 0 ? spec.inputSize() : spec.directions().count() * spec.hiddenSize();
        return spec.cell().create(in, spec.hiddenSize());
    }

    /** The layers and directions in PyTorch's order: l0, l0_reverse, l1, ... */
    public List<Role.Layer> layers() {
        List<Role.Layer> out = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            for (int d = 0; d < spec.directions().count(); d++) {
                out.add(new Role.Layer(l, Direction.of(d)));
            }
        }
        return out;
    }

    /** All parameters under their PyTorch names, in state-dict order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** Every carried state, layer by layer in PyTorch's order. */
    public List<RecurrentState.Slot> stateSlots() {
        return slots;
    }

    /**
     * Unfolds the network over {@code steps} steps into {@code b}: parameter leaves, input leaves
     * {@code x[t]} (B, I) at step t, initial-state leaves, and per-step outputs (B, D×H).
     */
    public Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype) {
        return unfold(b, steps, batch, dtype, Regularization.NONE, Phase.EVALUATION, new ArrayList<>());
    }

    /** As {@link #unfold(GraphBuilder, int, int, DType)}, regularised as {@link #unfold(GraphBuilder, List, Regularization, Phase, List)} says. */
    public Unfolded unfold(GraphBuilder b, int steps, int batch, DType dtype, Regularization reg, Phase phase, List<MaskLeaf> masks) {
        if (steps <= 0 || batch <= 0) {
            throw new IllegalArgumentException("steps and batch must be positive, got " + steps + " and " + batch);
        }
        List<Var> inputs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            inputs.add(b.at(t).input("x[" + t + "]", Shape.of(batch, spec.inputSize()), dtype, Role.of(Role.Kind.INPUT)));
        }
        b.at(Node.NO_STEP);
        return unfold(b, inputs, reg, phase, masks);
    }

    /**
     * Unfolds the network over the given per-step inputs, each (B, I) and computed elsewhere in
     * {@code b} (an embedding, say): parameter leaves, initial-state leaves and per-step outputs (B, D×H).
     */
    public Unfolded unfold(GraphBuilder b, List<Var> inputs) {
        return unfold(b, inputs, Regularization.NONE, Phase.EVALUATION, new ArrayList<>());
    }

    /**
     * As {@link #unfold(GraphBuilder, List)}, regularised: in training, variational masks (one per layer,
     * direction and sequence, read by every step) on each layer's input and recurrent state, dropout masks
     * (one per step) between stacked layers, and zoneout masks (one per state and step); the mask leaves are
     * added to {@code masks}. In evaluation only zoneout remains, as its expectation.
     */
    public Unfolded unfold(GraphBuilder b, List<Var> inputs, Regularization reg, Phase phase, List<MaskLeaf> masks) {
        return unfold(b, inputs, List.of(), reg, phase, masks);
    }

    /**
     * As {@link #unfold(GraphBuilder, List, Regularization, Phase, List)}, for sequences of their own lengths:
     * {@code valid.get(t)} (B, 1), made by {@link SequenceLengths#leaves}, is 1 for the rows whose sequence
     * reaches step t and 0 for the rest. A padded step keeps every layer's state and outputs zeros, so a
     * row's final state is its state at its last valid step, and a reverse direction starts there (PyTorch's
     * packed sequences). An empty {@code valid} means every row fills all steps.
     */
    public Unfolded unfold(GraphBuilder b, List<Var> inputs, List<Var> valid, Regularization reg, Phase phase, List<MaskLeaf> masks) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one step of input");
        }
        Var first = inputs.get(0);
        if (first.shape().rank() != 2 || first.shape().dim(1) != spec.inputSize()) {
            throw new IllegalArgumentException("network input must be (B, " + spec.inputSize() + "), got " + first.shape());
        }
        int batch = first.shape().dim(0);
        DType dtype = first.dtype();
        if (!valid.isEmpty() && (valid.size() != inputs.size() || !valid.get(0).shape().equals(Shape.of(batch, 1)))) {
            throw new IllegalArgumentException("validity must be one (" + batch + ", 1) value per step, got " + valid.size() + " for " + inputs.size() + " steps");
        }
        int savedStep = b.step();
        Role savedRole = b.role();
        Map<Parameter, Var> params = new LinkedHashMap<>();
        List<Run> runs = new ArrayList<>();
        List<Var> layerIn = inputs;
        for (int l = 0; l < spec.layers(); l++) {
            List<Run> layerRuns = new ArrayList<>();
            for (int d = 0; d < spec.directions().count(); d++) {
                layerRuns.add(unfoldLayer(b, new Role.Layer(l, Direction.of(d)), layerIn, valid, params, batch, dtype, reg, phase, masks));
            }
            runs.addAll(layerRuns);
            layerIn = joinDirections(b, l, layerRuns, inputs.size());
            if (l + 1 < spec.layers() && phase == Phase.TRAINING && reg.dropout() > 0) {
                layerIn = dropped(b, layerIn, reg.dropout(), Role.of(Role.Kind.OUTPUT, new Role.Layer(l, Direction.FORWARD)), "l" + l + "/dropout", masks);
            }
        }
        b.at(savedStep).as(savedRole);
        return new Unfolded(params, inputs, runs, layerIn);
    }

    /** Each step's value under a dropout mask of its own: {@code x_t ⊙ m_t}. */
    static List<Var> dropped(GraphBuilder b, List<Var> values, double rate, Role role, String name, List<MaskLeaf> masks) {
        return dropped(b, values, 0, rate, role, name, masks);
    }

    /** As {@link #dropped(GraphBuilder, List, double, Role, String, List)}, the values being those of steps {@code first} onwards. */
    static List<Var> dropped(GraphBuilder b, List<Var> values, int first, double rate, Role role, String name, List<MaskLeaf> masks) {
        int saved = b.step();
        Role savedRole = b.role();
        List<Var> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Var v = values.get(i);
            int t = first + i;
            Var m = b.at(t).input(name + "_mask[" + t + "]", v.shape(), v.dtype(), Role.of(Role.Kind.MASK, role.layer()));
            masks.add(new MaskLeaf(m, MaskLeaf.Kind.DROPOUT, rate));
            b.as(role);
            out.add(b.name(b.mul(v, m), name));
        }
        b.at(saved).as(savedRole);
        return out;
    }

    private Run unfoldLayer(GraphBuilder b, Role.Layer layer, List<Var> layerIn, List<Var> valid, Map<Parameter, Var> params, int batch,
            DType dtype, Regularization reg, Phase phase, List<MaskLeaf> masks) {
        Cell cell = cell(layer.index());
        boolean training = phase == Phase.TRAINING;
        Cell.Folding folding = valid.isEmpty() ? Cell.Folding.of(reg, phase) : Cell.Folding.of(reg, phase).withLengths();
        b.at(Node.NO_STEP);
        List<Var> own = new ArrayList<>();
        for (Parameter p : cell.parameters()) {
            Parameter placed = placed(p.in(layer));
            Var v = b.parameter(placed.name(), placed.shape(), dtype, placed.role());
            params.put(placed, v);
            own.add(v);
        }
        List<RecurrentState.Slot> slots = new ArrayList<>();
        List<Var> init = new ArrayList<>();
        for (StateSpec s : cell.states()) {
            RecurrentState.Slot slot = new RecurrentState.Slot(layer, s);
            slots.add(slot);
            init.add(b.input(slot.label(), slot.shape(batch), dtype, Role.of(Role.Kind.STATE, layer)));
        }
        List<Var> shared = new ArrayList<>();
        if (folding.inputMask()) {
            shared.add(mask(b, "mask_x" + "_" + layer.scope(), layerIn.get(0).shape(), dtype, layer, MaskLeaf.Kind.DROPOUT, reg.variational(), masks));
        }
        if (folding.recurrentMask()) {
            shared.add(mask(b, "mask_" + cell.states().get(0).name() + "_" + layer.scope(), slots.get(0).shape(batch), dtype, layer, MaskLeaf.Kind.DROPOUT,
                    reg.variational(), masks));
        }
        List<List<Var>> xs = new ArrayList<>();
        for (int t = 0; t < layerIn.size(); t++) {
            List<Var> step = new ArrayList<>(List.of(layerIn.get(t)));
            if (training && reg.zoneout() > 0) {
                b.at(t);
                for (RecurrentState.Slot slot : slots) {
                    step.add(mask(b, "zone_" + slot.label() + "[" + t + "]", slot.shape(batch), dtype, layer, MaskLeaf.Kind.ZONEOUT, reg.zoneout(), masks));
                }
                b.at(Node.NO_STEP);
            }
            if (!valid.isEmpty()) {
                step.add(valid.get(t));
            }
            xs.add(step);
        }
        Unfolder.Unrolled u = Unfolder.into(b, cell.fold(batch, dtype, folding), new Unfolder.Wiring(own, shared, init, xs, layer, layer.scope()));
        List<Var> outs = u.outputs().stream().map(o -> o.get(0)).toList();
        return new Run(layer, slots, init, u.states(), outs, u.finalState());
    }

    private static Var mask(GraphBuilder b, String name, Shape shape, DType dtype, Role.Layer layer, MaskLeaf.Kind kind, double rate,
            List<MaskLeaf> masks) {
        Var m = b.input(name, shape, dtype, Role.of(Role.Kind.MASK, layer));
        masks.add(new MaskLeaf(m, kind, rate));
        return m;
    }

    /** The network's own instance of a parameter, so that every map it keys shares one handle. */
    private Parameter placed(Parameter p) {
        int i = parameters.indexOf(p);
        return i >= 0 ? parameters.get(i) : p;
    }

    /** A bidirectional layer's output at each step: both directions' outputs side by side, in the layer's scope. */
    private List<Var> joinDirections(GraphBuilder b, int layer, List<Run> runs, int steps) {
        List<Var> out = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            int step = t;
            List<Var> parts = runs.stream().map(r -> r.outputs().get(step)).toList();
            if (parts.size() == 1) {
                out.add(parts.get(0));
            } else {
                String saved = b.scope();
                out.add(b.at(t).scope("l" + layer).as(Role.of(Role.Kind.OUTPUT, new Role.Layer(layer, Direction.FORWARD)))
                        .apply("y", new Concat(1), parts.toArray(Var[]::new)));
                b.scope(saved);
            }
        }
        b.at(Node.NO_STEP);
        return out;
    }
}
