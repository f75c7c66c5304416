package dev.unfold.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The single-precision GEMM backends found on the class path and the one chosen: the usable one with the
 * highest {@link GemmBackend#preference()}, else the Java fallback. The environment variable
 * {@code UNFOLD_GEMM} names one to use instead ({@code java}, {@code onednn}, {@code openblas}, {@code mkl}).
 */
public record GemmBackends(GemmBackend active, List<String> report) {
    public static GemmBackends discover() {
        List<String> report = new ArrayList<>();
        String wanted = System.getenv("UNFOLD_GEMM");
        boolean forceJava = "java".equalsIgnoreCase(wanted);
        GemmBackend chosen = null;
        ServiceLoader<GemmBackend> loader = ServiceLoader.load(GemmBackend.class);
        try {
            for (GemmBackend b : loader) {
                GemmBackend.Availability a = b.availability();
                report.add(b.name() + ": " + (a.usable() ? "usable" : "not usable, " + a.reason()));
                boolean named = wanted == null || wanted.isBlank() || b.name().toLowerCase(java.util.Locale.ROOT).startsWith(wanted.toLowerCase(java.util.Locale.ROOT));
                if (a.usable() && !forceJava && named && (chosen == null || b.preference() > chosen.preference())) {
                    chosen = b;
                }
            }
        } catch (ServiceConfigurationError e) {
            report.add("a GEMM backend failed to load: " + e.getMessage());
        }
        if (forceJava) {
            report.add("UNFOLD_GEMM=java forces the pure-Java kernel");
        } else if (wanted != null && !wanted.isBlank() && chosen == null) {
            report.add("UNFOLD_GEMM=" + wanted + " names no usable backend; the pure-Java kernel runs");
        }
        return new GemmBackends(chosen != null ? chosen : new JavaGemm(), List.copyOf(report));
    }
}
