package dev.unfold.graph;

import dev.unfold.op.Add;
import dev.unfold.op.Affine;
import dev.unfold.op.Concat;
import dev.unfold.op.Leaf;
import dev.unfold.op.MatMul;
import dev.unfold.op.Mul;
import dev.unfold.op.Op;
import dev.unfold.op.Relu;
import dev.unfold.op.Reshape;
import dev.unfold.op.ShapeException;
import dev.unfold.op.Sigmoid;
import dev.unfold.op.Slice;
import dev.unfold.op.SumTo;
import dev.unfold.op.Tanh;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a graph by plain Java calls over symbolic {@link Var}s. Shapes are checked as each node is
 * added. New nodes take the current {@link #at step} and {@link #as role}, and are named {@code scope/name}.
 */
public final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Integer> outputs = new LinkedHashMap<>();
    private int step = Node.NO_STEP;
    private String scope = "";
    private Role role = Role.NONE;

    public GraphBuilder() {
    }

    /** A builder that starts with all nodes and outputs of {@code g}, keeping their ids. */
    public static GraphBuilder extending(Graph g) {
        GraphBuilder b = new GraphBuilder();
        b.nodes.addAll(g.nodes());
        b.outputs.putAll(g.outputs());
        return b;
    }

    /** Sets the step of the nodes added from now on. */
    public GraphBuilder at(int t) {
        this.step = t;
        return this;
    }

    public int step() {
        return step;
    }

    /** Sets the name prefix of the nodes added from now on ({@code ""} for none). */
    public GraphBuilder scope(String prefix) {
        this.scope = prefix;
        return this;
    }

    public String scope() {
        return scope;
    }

    /** Sets the role of the nodes added from now on; leaves take its layer with a leaf kind of their own. */
    public GraphBuilder as(Role r) {
        this.role = r;
        return this;
    }

    public Role role() {
        return role;
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public int size() {
        return nodes.size();
    }

    /** A parameter leaf, in the current role's layer. */
    public Var parameter(String name, Shape shape, DType dtype) {
        return parameter(name, shape, dtype, role.kind() == Role.Kind.PARAMETER ? role : Role.of(Role.Kind.PARAMETER, role.layer()));
    }

    public Var parameter(String name, Shape shape, DType dtype, Role r) {
        return add(Leaf.parameter(name, shape, dtype), name, List.of(), r);
    }

    /** A fed leaf: the current role when it is one a leaf can have (input, target, state, probe), else an input. */
    public Var input(String name, Shape shape, DType dtype) {
        boolean fed = switch (role.kind()) {
            case INPUT, TARGET, STATE, PROBE, MASK -> true;
            default -> false;
        };
        return input(name, shape, dtype, fed ? role : Role.of(Role.Kind.INPUT, role.layer()));
    }

    public Var input(String name, Shape shape, DType dtype, Role r) {
        return add(Leaf.input(name, shape, dtype), name, List.of(), r);
    }

    public Var constant(Tensor value) {
        return add(Leaf.constant(value), "const", List.of(), Role.of(Role.Kind.CONSTANT, role.layer()));
    }

    /** Emits {@code op(args)}, named after the op. */
    public Var apply(Op op, Var... args) {
        return add(op, op.name(), Arrays.asList(args), role);
    }

    /** Emits {@code op(args)} under a name of its own. */
    public Var apply(String name, Op op, Var... args) {
        return add(op, name, Arrays.asList(args), role);
    }

    /** Renames the node of {@code v} (before {@link #build}); returns {@code v}. */
    public Var name(Var v, String name) {
        Node n = nodes.get(v.id());
        nodes.set(v.id(), new Node(n.id(), n.op(), n.inputs(), n.shape(), n.dtype(), qualify(name), n.step(), n.role()));
        return v;
    }

    /** Gives the node of {@code v} another role (before {@link #build}); returns {@code v}. */
    public Var role(Var v, Role r) {
        Node n = nodes.get(v.id());
        nodes.set(v.id(), new Node(n.id(), n.op(), n.inputs(), n.shape(), n.dtype(), n.name(), n.step(), r));
        return v;
    }

    /** Marks {@code v} as the graph output {@code name}. */
    public GraphBuilder output(String name, Var v) {
        outputs.put(name, v.id());
        return this;
    }

    public Graph build() {
        return new Graph(nodes, outputs);
    }

    public Var add(Var a, Var b) {
        return apply(new Add(), a, b);
    }

    public Var mul(Var a, Var b) {
        return apply(new Mul(), a, b);
    }

    public Var affine(double scale, double shift, Var x) {
        return apply(new Affine(scale, shift), x);
    }

    public Var sub(Var a, Var b) {
        return add(a, apply(Affine.negate(), b));
    }

    public Var oneMinus(Var x) {
        return apply(Affine.oneMinus(), x);
    }

    public Var tanh(Var x) {
        return apply(new Tanh(), x);
    }

    public Var sigmoid(Var x) {
        return apply(new Sigmoid(), x);
    }

    public Var relu(Var x) {
        return apply(new Relu(), x);
    }

    public Var matmul(Var a, Var b) {
        return apply(MatMul.plain(), a, b);
    }

    /** {@code x Wᵀ + b} for a weight stored (out, in), as PyTorch stores it. */
    public Var linear(Var x, Var weight, Var bias) {
        return add(apply(MatMul.timesTransposed(), x, weight), bias);
    }

    /** Part {@code index} of {@code parts} equal chunks of the last axis (PyTorch's {@code chunk}). */
    public Var chunk(Var x, int parts, int index) {
        int axis = x.shape().rank() - 1;
        int width = x.shape().dim(axis) / parts;
        return apply(new Slice(axis, index * width, (index + 1) * width), x);
    }

    public Var concat(int axis, List<Var> parts) {
        return apply(new Concat(axis), parts.toArray(Var[]::new));
    }

    public Var reshape(Var x, Shape shape) {
        return apply(new Reshape(shape), x);
    }

    /** The sum of all elements, as a scalar. */
    public Var sum(Var x) {
        return apply(new SumTo(Shape.scalar()), x);
    }

    private Var add(Op op, String name, List<Var> args, Role r) {
        int arity = op.arity();
        if (arity >= 0 && arity != args.size()) {
            throw new ShapeException(op.name() + ": takes " + arity + " inputs, got " + args.size());
        }
        if (arity < 0 && args.isEmpty()) {
            throw new ShapeException(op.name() + ": needs at least one input");
        }
        List<Integer> ids = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        List<DType> dtypes = new ArrayList<>();
        for (Var v : args) {
            if (v.id() < 0 || v.id() >= nodes.size()) {
                throw new IllegalArgumentException(op.name() + ": input " + v.id() + " is not a node of this graph");
            }
            ids.add(v.id());
            shapes.add(v.shape());
            dtypes.add(v.dtype());
        }
        Shape shape = op.shape(shapes);
        DType dtype = op.dtype(dtypes);
        int id = nodes.size();
        nodes.add(new Node(id, op, ids, shape, dtype, qualify(name), step, r));
        return new Var(id, shape, dtype);
    }

    private String qualify(String name) {
        return scope.isEmpty() ? name : scope + "/" + name;
    }
}
