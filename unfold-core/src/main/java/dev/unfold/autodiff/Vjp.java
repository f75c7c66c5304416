package dev.unfold.autodiff;

import dev.unfold.graph.Graph;
import dev.unfold.graph.GraphBuilder;
import dev.unfold.graph.Node;
import dev.unfold.graph.Role;
import dev.unfold.graph.Verifier;
import dev.unfold.op.Add;
import dev.unfold.op.Op;
import dev.unfold.op.Var;
import dev.unfold.op.VjpContext;
import dev.unfold.tensor.Tensor;
import java.util.Arrays;

/**
 * Reverse-mode autodiff of a scalar loss as a graph transform. Walks the nodes from the loss back to
 * the first, asks each op for its vector-Jacobian product, and sums the contributions a node receives
 * from its several consumers. A parameter read by all T steps of an unfolded graph therefore gets
 * {@code dL/dW = Σ_t (dL/dW)_t}: BPTT, with nothing special-cased for time.
 *
 * <p>The result holds the forward nodes with their ids unchanged plus the backward nodes, which carry
 * the step and layer of the node they differentiate, with the role {@link Role.Kind#GRADIENT}.
 */
public final class Vjp {
    private Vjp() {
    }

    /** The forward graph extended by backward nodes; {@code gradOf[id]} is the node of dL/d(node id), or -1. */
    public record Gradients(Graph graph, int loss, int[] gradOf) {
        /** Whether the loss depends on node {@code id}. */
        public boolean has(int id) {
            return gradOf[id] >= 0;
        }

        public int gradOf(int id) {
            if (gradOf[id] < 0) {
                throw new IllegalArgumentException("the loss does not depend on node " + graph.node(id).name());
            }
            return gradOf[id];
        }
    }

    public static Gradients of(Graph forward, String lossOutput) {
        return of(forward, forward.output(lossOutput).id());
    }

    public static Gradients of(Graph forward, int loss) {
        Node lossNode = forward.node(loss);
        if (lossNode.shape().size() != 1) {
            throw new IllegalArgumentException("the loss must be a scalar, '" + lossNode.name() + "' is " + lossNode.shape());
        }
        GraphBuilder b = GraphBuilder.extending(forward);
        Var[] grads = new Var[forward.size()];
        b.at(lossNode.step()).as(gradientRole(lossNode));
        grads[loss] = b.role(b.name(b.constant(Tensor.full(lossNode.dtype(), lossNode.shape(), 1.0)), "dL/dL"), gradientRole(lossNode));
        for (int id = loss; id >= 0; id--) {
            if (grads[id] != null) {
                Node n = forward.node(id);
                b.at(n.step()).as(gradientRole(n));
                n.op().vjp(new Context(b, n, grads));
            }
        }
        int[] gradOf = new int[forward.size()];
        Arrays.setAll(gradOf, i -> grads[i] == null ? -1 : grads[i].id());
        return new Gradients(Verifier.verify(b.build()), loss, gradOf);
    }

    private static Role gradientRole(Node n) {
        return Role.of(Role.Kind.GRADIENT, n.role().layer());
    }

    private static final class Context implements VjpContext {
        private final GraphBuilder b;
        private final Node node;
        private final Var[] grads;

        Context(GraphBuilder b, Node node, Var[] grads) {
            this.b = b;
            this.node = node;
            this.grads = grads;
        }

        @Override
        public Var input(int i) {
            return b.node(node.inputs().get(i)).var();
        }

        @Override
        public boolean hasInput(int i) {
            return i < node.inputs().size();
        }

        @Override
        public Var output() {
            return node.var();
        }

        @Override
        public Var grad() {
            return grads[node.id()];
        }

        @Override
        public Var apply(Op op, Var... args) {
            return b.apply("d" + node.name() + "·" + op.name(), op, args);
        }

        @Override
        public void accumulate(int i, Var g) {
            int target = node.inputs().get(i);
            Node t = b.node(target);
            if (!g.shape().equals(t.shape())) {
                throw new IllegalStateException(node.op().name() + " gave a gradient of shape " + g.shape() + " for " + t.name() + " " + t.shape());
            }
            int saved = b.step();
            Role savedRole = b.role();
            b.at(t.step()).as(gradientRole(t));
            grads[target] = grads[target] == null ? g : b.apply("dL/d" + t.name(), new Add(), grads[target], g);
            b.at(saved).as(savedRole);
        }
    }
}
