package dev.unfold.onnx;

import static dev.unfold.onnx.OnnxGraph.attr;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.kernel.Gemm;
import dev.unfold.nn.Parameter;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentModel;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.Concat;
import dev.unfold.op.Gather;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;
import dev.unfold.op.Mul;
import dev.unfold.op.OneHot;
import dev.unfold.op.Op;
import dev.unfold.op.Relu;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.Tanh;
import dev.unfold.op.Var;
import dev.unfold.store.TrainedModel;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The unfolded graph written node for node: Unfold unfolds the model over T steps in evaluation, and each of
 * its nodes becomes the ONNX operator of the same meaning, named after the step it belongs to
 * ({@code t3/l0/gates}), so that a model viewer shows the book's figure. Leaves become the signature's
 * tensors: step t's input is row t of {@code x}, an initial state its row of {@code h0} or {@code c0}, step t's
 * validity {@code t < lengths}; parameters become initializers, a weight read transposed is transposed once.
 * Only the nodes the outputs need are written.
 */
final class UnfoldedForm {
    /** Unfold's graph is built for this batch; every operator written is independent of it, so B stays dynamic. */
    private static final int BATCH = 2;

    /** Unfold's element-wise operations and ONNX's of the same meaning (both broadcast as NumPy does). */
    private static final Map<Class<? extends Op>, String> ELEMENTWISE = Map.of(Add.class, "Add", Mul.class, "Mul", Tanh.class, "Tanh",
            Sigmoid.class, "Sigmoid", Relu.class, "Relu");

    private final SequenceModelSpec spec;
    private final Map<String, Tensor> weights;
    private final OnnxGraph g = new OnnxGraph("unfold_unfolded", ExportSignature.OUTPUTS);
    private final Map<Integer, String> values = new HashMap<>();
    private final Map<String, String> shared = new HashMap<>();
    private final Graph graph;
    private final RecurrentModel.Unfolded unfolded;
    private final int steps;

    private UnfoldedForm(TrainedModel trained, int steps) {
        this.spec = trained.model().spec();
        this.weights = trained.weights().byName();
        this.steps = steps;
        GraphBuilder b = new GraphBuilder();
        this.unfolded = trained.model().unfold(b, steps, BATCH, DType.F32, Phase.EVALUATION);
        this.graph = b.build();
    }

    static OnnxGraph of(TrainedModel trained, int steps) {
        return new UnfoldedForm(trained, steps).build();
    }

    private OnnxGraph build() {
        ExportSignature.declareInputs(g, spec, steps);
        bindLeaves();
        List<Var> outputs = spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE ? List.of(unfolded.outputs().get(0)) : unfolded.outputs();
        List<RecurrentNetwork.Run> runs = unfolded.network().runs();
        List<Var> finalH = runs.stream().map(r -> r.finalState().get(0)).toList();
        List<Var> finalC = ExportSignature.hasCellState(spec) ? runs.stream().map(r -> r.finalState().get(1)).toList() : List.of();
        List<Var> needed = new ArrayList<>(outputs);
        needed.addAll(finalH);
        needed.addAll(finalC);
        BitSet live = live(needed);
        for (Node n : graph.nodes()) {
            if (live.get(n.id()) && !values.containsKey(n.id())) {
                values.put(n.id(), translate(n));
            }
        }
        String out = outputs.size() == 1 && spec.output().reads() == SequenceModelSpec.Reads.FINAL_STATE ? values.get(outputs.get(0).id()) : stacked("outputs", outputs);
        g.identity(out, ExportSignature.outputName(spec));
        g.identity(stacked("h_n", finalH), "h_n");
        if (!finalC.isEmpty()) {
            g.identity(stacked("c_n", finalC), "c_n");
        }
        ExportSignature.declareOutputs(g, spec, steps);
        return g;
    }

    /** The nodes the given values depend on. */
    private BitSet live(List<Var> roots) {
        BitSet live = new BitSet(graph.size());
        Deque<Integer> todo = new ArrayDeque<>();
        roots.forEach(v -> todo.push(v.id()));
        while (!todo.isEmpty()) {
            int id = todo.pop();
            if (!live.get(id)) {
                live.set(id);
                graph.node(id).inputs().forEach(todo::push);
            }
        }
        return live;
    }

    /** Parameters, step inputs, initial states and validities: what each of Unfold's leaves is in the ONNX graph. */
    private void bindLeaves() {
        for (Map.Entry<Parameter, Var> e : unfolded.params().entrySet()) {
            Tensor t = weights.get(e.getKey().name());
            long[] dims = dims(t);
            values.put(e.getValue().id(), g.floats(e.getKey().name(), GateOrder.values(t), dims));
        }
        for (int t = 0; t < unfolded.inputs().size(); t++) {
            values.put(unfolded.inputs().get(t).id(), g.node("Gather", "t" + t + "/x", List.of("x", g.scalar("t" + t, t)), attr("axis", 0L)));
        }
        int directions = spec.rnn().directions().count();
        for (RecurrentNetwork.Run run : unfolded.network().runs()) {
            int row = run.layer().index() * directions + run.layer().direction().index();
            for (int k = 0; k < run.initialState().size(); k++) {
                String source = k == 0 ? "h0" : "c0";
                values.put(run.initialState().get(k).id(), g.node("Gather", run.slots().get(k).label(), List.of(source, g.scalar(source + ".row" + row, row)),
                        attr("axis", 0L)));
            }
        }
        for (int t = 0; t < unfolded.valid().size(); t++) {
            String inside = g.node("Less", "t" + t + "/inside", List.of(g.int32("t" + t + ".step", t), "lengths"));
            String v = g.node("Cast", "t" + t + "/valid_b", List.of(inside), attr("to", (long) ExportSignature.FLOAT));
            values.put(unfolded.valid().get(t).id(), g.node("Unsqueeze", "t" + t + "/valid", List.of(v, shared("axes1", () -> g.longs("axes1", 1L)))));
        }
    }

    private String translate(Node n) {
        List<String> in = n.inputs().stream().map(values::get).toList();
        String name = (n.step() == Node.NO_STEP ? "" : "t" + n.step() + "/") + (n.name() == null || n.name().isEmpty() ? n.op().name() : n.name());
        Op op = n.op();
        if (op instanceof Leaf leaf) {
            if (leaf.kind() != Leaf.Kind.CONSTANT) {
                throw new IllegalArgumentException("the unfolded graph has a leaf the export cannot feed: " + leaf.label() + " (" + n.role() + ")");
            }
            return g.floats(name, GateOrder.values(leaf.value()), dims(leaf.value()));
        }
        String elementwise = ELEMENTWISE.get(op.getClass());
        if (elementwise != null) {
            return g.node(elementwise, name, in);
        }
        if (op instanceof Affine a) {
            return affine(name, a, in.get(0));
        }
        if (op instanceof MatMul m) {
            return matmul(name, m, n, in);
        }
        if (op instanceof Slice s) {
            return g.node("Slice", name, List.of(in.get(0), ints("start", s.start()), ints("end", s.end()), ints("axis", s.axis())));
        }
        if (op instanceof Concat c) {
            return g.node("Concat", name, in, attr("axis", (long) c.axis()));
        }
        if (op instanceof Gather) {
            return g.node("Gather", name, in, attr("axis", 0L));
        }
        if (op instanceof OneHot o) {
            return g.node("OneHot", name, List.of(in.get(0), shared("depth" + o.classes(), () -> g.scalar("depth" + o.classes(), o.classes())),
                    shared("one_hot.values", () -> g.floats("one_hot.values", new float[] {0, 1}, 2))), attr("axis", -1L));
        }
        throw new IllegalArgumentException("the unfolded graph's operation '" + op.name() + "' (" + name + ") has no ONNX translation here");
    }

    private static long[] dims(Tensor t) {
        return java.util.Arrays.stream(t.shape().dims()).mapToLong(d -> d).toArray();
    }

    /** {@code scale · x + shift}: {@code Sub(shift, x)} for 1 − x and −x, else {@code Mul} and {@code Add} by constants. */
    private String affine(String name, Affine a, String x) {
        if (a.scale() == -1) {
            return g.node("Sub", name, List.of(real(a.shift()), x));
        }
        String scaled = a.scale() == 1 ? x : g.node("Mul", a.shift() == 0 ? name : name + ".scaled", List.of(x, real(a.scale())));
        return a.shift() == 0 ? (scaled.equals(x) ? g.node("Identity", name, List.of(x)) : scaled) : g.node("Add", name, List.of(scaled, real(a.shift())));
    }

    /** A product of matrices: {@code MatMul}, each operand read transposed through one {@code Transpose} of its own (a weight's outside the steps). */
    private String matmul(String name, MatMul m, Node n, List<String> in) {
        String a = m.opA() == Gemm.Op.T ? transposed(n.inputs().get(0), in.get(0)) : in.get(0);
        String b = m.opB() == Gemm.Op.T ? transposed(n.inputs().get(1), in.get(1)) : in.get(1);
        return g.node("MatMul", name, List.of(a, b));
    }

    private String transposed(int id, String value) {
        return shared("transposed:" + id, () -> g.node("Transpose", value + "_T", List.of(value), attr("perm", 1L, 0L)));
    }

    private String ints(String what, int value) {
        return shared(what + value, () -> g.longs(what + value, (long) value));
    }

    private String real(double value) {
        return shared("real" + value, () -> g.floats("const" + (float) value, new float[] {(float) value}));
    }

    private String shared(String key, java.util.function.Supplier<String> make) {
        String v = shared.get(key);
        if (v == null) {
            v = make.get();
            shared.put(key, v);
        }
        return v;
    }

    /** Values [B, ...] stacked on a new first axis: [N, B, ...]. */
    private String stacked(String name, List<Var> parts) {
        List<String> rows = new ArrayList<>();
        for (Var v : parts) {
            rows.add(g.node("Unsqueeze", values.get(v.id()) + "_row", List.of(values.get(v.id()), shared("axes0", () -> g.longs("axes0", 0L)))));
        }
        return rows.size() == 1 ? rows.get(0) : g.node("Concat", name, rows, attr("axis", 0L));
    }
}
