package dev.unfold.eval;

import dev.unfold.autodiff.Vjp;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Interpreter;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.kernel.Stack;
import dev.unfold.nn.CellType;
import dev.unfold.nn.Losses;
import dev.unfold.nn.Phase;
import dev.unfold.nn.RecurrentNetwork;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.nn.Regularization;
import dev.unfold.nn.SequenceLengths;
import dev.unfold.nn.Weights;
import dev.unfold.op.Var;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One pass of a recurrent network over a time-major batch, as PyTorch's {@code nn.LSTM(x, (h0, c0))}
 * computes it, and optionally the gradients of {@code L = Σ R ⊙ output} with respect to every
 * parameter, the input and the initial state: BPTT on the unfolded graph.
 *
 * <p>Shapes: input (T, B, I); h0, c0, h_n, c_n (L×D, B, H), entry {@code l×D + d} for layer l and
 * direction d; output and R (T, B, D×H). With lengths, row b is a sequence of its first {@code length(b)}
 * steps, as {@code pack_padded_sequence} makes it: its outputs after them are zero, its h_n and c_n are
 * its states at its last step, and its reverse direction starts at that step.
 */
public final class RecurrentEvaluation {
    private RecurrentEvaluation() {
    }

    /** What to evaluate; h0, c0 default to zeros, without R no gradient is computed, and without lengths every row fills all T steps. */
    public record Request(RecurrentSpec spec, Weights weights, Tensor input,
            Optional<Tensor> h0, Optional<Tensor> c0, Optional<Tensor> r, Optional<SequenceLengths> lengths) {
        /** A request whose rows fill all steps. */
        public Request(RecurrentSpec spec, Weights weights, Tensor input, Optional<Tensor> h0, Optional<Tensor> c0, Optional<Tensor> r) {
            this(spec, weights, input, h0, c0, r, Optional.empty());
        }
    }

    /** Outputs and, when R was given, gradients keyed {@code grad.<name>}. */
    public record Result(Tensor output, Tensor hN, Optional<Tensor> cN, Map<String, Tensor> gradients) {
    }

    /** Runs {@code request} in precision {@code compute}; results come back in the input's precision. */
    public static Result run(Request request, DType compute) {
        RecurrentSpec spec = request.spec();
        Shape in = request.input().shape();
        if (in.rank() != 3 || in.dim(2) != spec.inputSize() || in.dim(0) == 0 || in.dim(1) == 0) {
            throw new IllegalArgumentException("input: expected shape [T, B, " + spec.inputSize() + "], got " + in);
        }
        int steps = in.dim(0);
        int batch = in.dim(1);
        int layersTimesDirs = spec.layers() * spec.directions().count();
        Shape stateShape = Shape.of(layersTimesDirs, batch, spec.hiddenSize());
        boolean lstm = spec.cell() == CellType.LSTM;
        request.h0().ifPresent(h -> requireShape("h0", h, stateShape));
        request.c0().ifPresent(c -> {
            if (!lstm) {
                throw new IllegalArgumentException("c0 is given, but a " + spec.cell().id() + " network has no cell state");
            }
            requireShape("c0", c, stateShape);
        });
        request.r().ifPresent(r -> requireShape("R", r, Shape.of(steps, batch, spec.outputSize())));
        request.lengths().ifPresent(l -> {
            if (l.steps() != steps || l.batch() != batch) {
                throw new IllegalArgumentException("lengths: expected " + batch + " lengths of at most " + steps + " steps, got " + l);
            }
        });

        GraphBuilder b = new GraphBuilder();
        List<Var> xs = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            xs.add(b.at(t).input("x[" + t + "]", Shape.of(batch, spec.inputSize()), compute, Role.of(Role.Kind.INPUT)));
        }
        List<Var> valid = request.lengths().isPresent() ? SequenceLengths.leaves(b, steps, batch, compute) : List.of();
        b.at(Node.NO_STEP);
        RecurrentNetwork.Unfolded u = new RecurrentNetwork(spec).unfold(b, xs, valid, Regularization.NONE, Phase.EVALUATION, new ArrayList<>());
        Feeds.Builder feeds = feeds(request, u, compute, stateShape);
        for (int t = 0; t < valid.size(); t++) {
            feeds.put(valid.get(t), request.lengths().get().valid(t, compute));
        }
        Graph forward = request.r().isPresent() ? withLoss(b, u, request.r().get(), feeds, compute) : b.build();
        Optional<Vjp.Gradients> grads = request.r().map(r -> Vjp.of(forward, "loss"));
        Values v = Interpreter.run(grads.map(Vjp.Gradients::graph).orElse(forward), feeds.build());

        DType out = request.input().dtype();
        Tensor output = Stack.stack(u.outputs().stream().map(y -> v.get(y).to(out)).toList());
        Tensor hN = Stack.stack(u.runs().stream().map(run -> v.get(run.finalState().get(0)).to(out)).toList());
        Optional<Tensor> cN = lstm
                ? Optional.of(Stack.stack(u.runs().stream().map(run -> v.get(run.finalState().get(1)).to(out)).toList()))
                : Optional.empty();
        Map<String, Tensor> gradients = grads.map(g -> gradients(g, v, u, lstm, out)).orElse(Map.of());
        return new Result(output, hN, cN, gradients);
    }

    private static Feeds.Builder feeds(Request request, RecurrentNetwork.Unfolded u, DType compute, Shape stateShape) {
        Feeds.Builder feeds = Feeds.builder();
        u.params().forEach((p, v) -> feeds.put(v, request.weights().get(p).to(compute)));
        List<Tensor> xs = Stack.unstack(request.input().to(compute));
        for (int t = 0; t < xs.size(); t++) {
            feeds.put(u.inputs().get(t), xs.get(t));
        }
        Tensor h0 = request.h0().orElse(Tensor.zeros(compute, stateShape)).to(compute);
        Tensor c0 = request.c0().orElse(Tensor.zeros(compute, stateShape)).to(compute);
        List<Tensor> hs = Stack.unstack(h0);
        List<Tensor> cs = Stack.unstack(c0);
        for (int k = 0; k < u.runs().size(); k++) {
            RecurrentNetwork.Run run = u.runs().get(k);
            for (int i = 0; i < run.initialState().size(); i++) {
                feeds.put(run.initialState().get(i), (i == 0 ? hs : cs).get(k));
            }
        }
        return feeds;
    }

    private static Graph withLoss(GraphBuilder b, RecurrentNetwork.Unfolded u, Tensor r, Feeds.Builder feeds, DType compute) {
        List<Tensor> rs = Stack.unstack(r.to(compute));
        Var loss = null;
        b.as(Role.of(Role.Kind.LOSS));
        for (int t = 0; t < rs.size(); t++) {
            Var y = u.outputs().get(t);
            b.at(t);
            Var rt = b.input("R[" + t + "]", y.shape(), compute, Role.of(Role.Kind.PROBE));
            feeds.put(rt, rs.get(t));
            Var term = Losses.weightedSum(b, y, rt);
            loss = loss == null ? term : b.add(loss, term);
        }
        b.at(Node.NO_STEP).output("loss", loss);
        return b.build();
    }

    private static Map<String, Tensor> gradients(Vjp.Gradients g, Values v, RecurrentNetwork.Unfolded u, boolean lstm, DType out) {
        Map<String, Tensor> grads = new LinkedHashMap<>();
        u.params().forEach((p, x) -> grads.put("grad." + p.name(), gradientOf(g, v, x).to(out)));
        grads.put("grad.input", Stack.stack(u.inputs().stream().map(x -> gradientOf(g, v, x).to(out)).toList()));
        List<Tensor> h = new ArrayList<>();
        List<Tensor> c = new ArrayList<>();
        for (RecurrentNetwork.Run run : u.runs()) {
            h.add(gradientOf(g, v, run.initialState().get(0)).to(out));
            if (lstm) {
                c.add(gradientOf(g, v, run.initialState().get(1)).to(out));
            }
        }
        grads.put("grad.h0", Stack.stack(h));
        if (lstm) {
            grads.put("grad.c0", Stack.stack(c));
        }
        return grads;
    }

    /** dL/d(v), or zeros when the loss does not reach v. */
    private static Tensor gradientOf(Vjp.Gradients g, Values v, Var x) {
        return g.has(x.id()) ? v.get(g.gradOf(x.id())) : Tensor.zeros(x.dtype(), x.shape());
    }

    private static void requireShape(String name, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(name + ": expected shape " + expected + ", got " + t.shape());
        }
    }
}
