package dev.unfold.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.unfold.autodiff.GradCheck;
import dev.unfold.exec.Feeds;
import dev.unfold.graph.Graph;
import dev.unfold.tensor.Tensor;
import java.util.Map;

/** One helper for every finite-difference check in the suite. */
public final class GradAssertions {
    private GradAssertions() {
    }

    /** As {@link #assertGradientsMatch(Graph, String, Feeds)} with leaves fed by their labels. */
    public static GradCheck.Report assertGradientsMatch(Graph g, String loss, Map<String, Tensor> byLabel) {
        return assertGradientsMatch(g, loss, Feeds.byLabel(g, byLabel));
    }

    /** Asserts the BPTT gradient of every leaf matches central differences to {@link GradCheck#TOLERANCE}. */
    public static GradCheck.Report assertGradientsMatch(Graph g, String loss, Feeds feeds) {
        GradCheck.Report report = GradCheck.check(g, loss, feeds);
        assertTrue(!report.entries().isEmpty(), "no leaf was checked");
        for (GradCheck.Entry e : report.entries()) {
            assertTrue(e.passed(), () -> e.name() + ": relative error " + e.relativeError() + " (analytic norm "
                    + e.analyticNorm() + ", numeric " + e.numericNorm() + ")");
            assertTrue(e.analyticNorm() > 0 || e.numericNorm() == 0, e.name() + ": gradient vanished");
        }
        return report;
    }
}
