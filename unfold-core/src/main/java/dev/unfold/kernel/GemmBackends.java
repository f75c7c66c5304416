package dev.unfold.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The single-precision GEMM backends found on the class path and the one chosen: the first usable one
 * that is not the Java fallback, else the fallback. The environment variable {@code UNFOLD_GEMM=java}
 * forces the fallback.
 */
public record GemmBackends(GemmBackend active, List<String> report) {
    public static GemmBackends discover() {
        List<String> report = new ArrayList<>();
        boolean forceJava = "java".equalsIgnoreCase(System.getenv("UNFOLD_GEMM"));
        GemmBackend chosen = null;
        ServiceLoader<GemmBackend> loader = ServiceLoader.load(GemmBackend.class);
        try {
            for (GemmBackend b : loader) {
                GemmBackend.Availability a = b.availability();
                report.add(b.name() + ": " + (a.usable() ? "usable" : "not usable, " + a.reason()));
                if (a.usable() && chosen == null && !forceJava) {
                    chosen = b;
                }
            }
        } catch (ServiceConfigurationError e) {
            report.add("a GEMM backend failed to load: " + e.getMessage());
        }
        if (forceJava) {
            report.add("UNFOLD_GEMM=java forces the pure-Java kernel");
        }
        return new GemmBackends(chosen != null ? chosen : new JavaGemm(), List.copyOf(report));
    }
}
