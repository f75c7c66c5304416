package dev.unfold.cli;

import dev.unfold.autodiff.GradCheck;
import dev.unfold.exec.Feeds;
import dev.unfold.graph.Graph;
import dev.unfold.nn.ProbeGraph;
import dev.unfold.nn.RecurrentSpec;
import dev.unfold.tensor.DType;
import dev.unfold.tensor.Tensor;
import dev.unfold.window.MemoryEstimate;
import java.io.PrintWriter;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code unfold gradcheck}: BPTT gradients against central finite differences, in float64. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = "Check BPTT gradients of every parameter, input and initial state against central finite differences (float64).")
final class GradcheckCommand implements Callable<Integer> {
    @Mixin
    NetworkOptions network = new NetworkOptions();

    @Option(names = "--steps", defaultValue = "4", description = "Time steps T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random weights and inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Limits.range("--steps", steps, 1, 64);
        RecurrentSpec rs = network.spec();
        MemoryEstimate.interpreted(rs, network.batch, steps, 8, true).requireFits("this gradient check");
        requireFeasible(rs);
        Graph g = ProbeGraph.build(rs, steps, network.batch, DType.F64);
        Random rng = new Random(seed);
        Feeds.Builder feeds = Feeds.builder();
        g.nodes().stream().filter(n -> n.op() instanceof dev.unfold.op.Leaf l && l.kind() != dev.unfold.op.Leaf.Kind.CONSTANT)
                .forEach(n -> feeds.put(n.id(), Tensor.uniform(DType.F64, n.shape(), -1, 1, rng)));
        GradCheck.Report report = GradCheck.check(g, "loss", feeds.build());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("gradcheck %s, %d layer(s)%s, T=%d, B=%d, H=%d, I=%d, eps=%.0e%n", rs.cell().id(), rs.layers(),
                rs.directions() == RecurrentSpec.Directions.BOTH ? ", bidirectional" : "", steps, network.batch,
                rs.hiddenSize(), rs.inputSize(), GradCheck.EPSILON);
        out.printf("%-24s %-9s %-12s %12s %12s %10s  %s%n", "tensor", "kind", "shape", "|analytic|", "|numeric|", "rel.error", "");
        for (GradCheck.Entry e : report.entries()) {
            out.printf("%-24s %-9s %-12s %12.5e %12.5e %10.2e  %s%n", e.name(), e.kind().name().toLowerCase(java.util.Locale.ROOT),
                    e.shape(), e.analyticNorm(), e.numericNorm(), e.relativeError(), e.passed() ? "ok" : "FAIL");
        }
        boolean ok = report.passed();
        out.printf("gradcheck %s: %d tensors, worst relative error %.2e (tolerance %.0e)%n", ok ? "passed" : "FAILED",
                report.entries().size(), report.worst(), GradCheck.TOLERANCE);
        return ok ? 0 : UnfoldCommand.FAILED;
    }

    /** The most element operations a check may take: two network passes per element of every leaf. */
    static final double MAX_WORK = 1e9;

    /**
     * Central differences run the network twice for every element of every parameter, input and initial
     * state: a check that would take far longer than it is worth is refused, with what would make it fit.
     */
    private void requireFeasible(RecurrentSpec rs) {
        MemoryEstimate one = MemoryEstimate.interpreted(rs, network.batch, steps, 1, false);
        double leaves = one.parameterBytes() / 3.0 + (double) steps * network.batch * rs.inputSize() + 2.0 * rs.layers() * rs.directions().count() * network.batch * rs.hiddenSize();
        double work = 2 * leaves * (one.activationBytes() + one.parameterBytes() / 3.0);
        if (work > MAX_WORK) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "this gradient check would run the network %.0f times over %.0f values"
                    + " (%.1e operations, more than the %.0e a check may take); use a smaller --hidden, --layers, --steps, --batch or --input-size",
                    2 * leaves, (double) one.activationBytes(), work, MAX_WORK));
        }
    }
}
