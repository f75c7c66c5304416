package dev.unfold.window;

import dev.unfold.autodiff.Vjp;
import dev.unfold.data.Episode;
import dev.unfold.exec.Executor;
import dev.unfold.exec.Feeds;
import dev.unfold.exec.Values;
import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.nn.Losses;
import dev.unfold.nn.MaskLeaf;
import dev.unfold.nn.Phase;
import dev.unfold.nn.SequenceModel;
import dev.unfold.nn.SequenceModelSpec;
import dev.unfold.nn.Weights;
import dev.unfold.op.Affine;
import dev.unfold.op.Var;
import dev.unfold.optim.Gradients;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Shape;
import dev.unfold.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The loss of a window of a model read at its final states, apart from the units memory-bounded BPTT cuts the
 * window into: the decoder ({@link SequenceModel#head}) on the top layer's final hidden states, fed as leaves,
 * scored against the targets of the window's loss steps and divided by their count, as {@link WindowGraph} scores
 * it; with its VJP, which gives the decoder's gradients and dL/dh_n of each direction, the gradients the units'
 * adjoints start from.
 */
final class HeadGraph {
    private final Vjp.Gradients vjp;
    private final SequenceModel.Head head;
    private final List<Var> finals;
    private final List<Var> targets = new ArrayList<>();
    private final boolean[] lossAt;

    /** What a run gives: the loss, dL/dh_n per direction (forward, then reverse). */
    record Result(double loss, List<Tensor> finalGradients) {
    }

    HeadGraph(SequenceModel model, int batch, boolean[] lossAt, DType dtype) {
        this.lossAt = lossAt.clone();
        int length = lossAt.length;
        GraphBuilder b = new GraphBuilder();
        int hidden = model.spec().rnn().hiddenSize();
        List<Var> leaves = new ArrayList<>();
        for (int d = 0; d < model.spec().rnn().directions().count(); d++) {
            leaves.add(b.at(length - 1).input("h_n[" + d + "]", Shape.of(batch, hidden), dtype, Role.of(Role.Kind.PROBE)));
        }
        this.finals = List.copyOf(leaves);
        this.head = model.head(b, finals, length - 1, Phase.TRAINING);
        boolean classes = model.outputKind() == SequenceModelSpec.OutputKind.CLASSES;
        Var sum = null;
        int counted = 0;
        b.as(Role.of(Role.Kind.LOSS));
        for (int t = 0; t < length; t++) {
            if (!lossAt[t]) {
                targets.add(null);
                continue;
            }
            b.at(t);
            Var target = b.input("target[" + t + "]", classes ? Shape.of(batch) : head.output().shape(), dtype, Role.of(Role.Kind.TARGET));
            targets.add(target);
            Var term = classes ? Losses.softmaxCrossEntropy(b, head.output(), target) : Losses.meanSquaredError(b, head.output(), target);
            sum = sum == null ? term : b.add(sum, term);
            counted++;
        }
        if (sum == null) {
            throw new IllegalArgumentException("a window of a model read at its final states has no step with a loss");
        }
        b.at(Node.NO_STEP);
        b.output("loss", b.apply("loss", Affine.scaleBy(1.0 / counted), sum));
        this.vjp = Vjp.of(b.build(), "loss");
    }

    /** The head on final states {@code finals} over steps from {@code start} of {@code episode}, its parameters' gradients added to {@code into}. */
    Result run(Executor executor, Weights weights, List<Tensor> finalStates, Episode episode, int start, Masks masks, Gradients into) {
        Feeds.Builder f = Feeds.builder();
        for (int i = 0; i < finals.size(); i++) {
            f.put(finals.get(i), finalStates.get(i));
        }
        head.params().forEach((p, v) -> f.put(v, weights.get(p)));
        for (int i = 0; i < head.masks().size(); i++) {
            f.put(head.masks().get(i).node(), masks.get(i));
        }
        for (int t = 0; t < lossAt.length; t++) {
            if (lossAt[t]) {
                int step = start + t;
                f.put(targets.get(t), episode.target(step).orElseThrow(() -> new IllegalStateException("no target at step " + step)));
            }
        }
        Set<Integer> keep = new HashSet<>(vjp.graph().outputs().values());
        finals.forEach(v -> keep.add(vjp.gradOf(v.id())));
        head.params().values().forEach(v -> keep.add(vjp.gradOf(v.id())));
        Values v = executor.run(vjp.graph(), f.build(), keep);
        head.params().forEach((p, x) -> into.add(p, v.get(vjp.gradOf(x.id()))));
        return new Result(v.output("loss").get(0), finals.stream().map(x -> v.get(vjp.gradOf(x.id()))).toList());
    }

    Graph graph() {
        return vjp.graph();
    }

    /** Its mask leaves (the decoder's dropout), in the order {@link #run} reads their masks. */
    List<MaskLeaf> masks() {
        return head.masks();
    }
}
