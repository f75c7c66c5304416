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
public record GemmBackends(GemmBackend active, List<String> report, java.util.Optional<String> problem) {
    public static GemmBackends discover() {
        return choose(ServiceLoader.load(GemmBackend.class), System.getenv("UNFOLD_GEMM"));
    }

    /** The usable backend of {@code found} with the highest preference, or the one {@code wanted} names. */
    static GemmBackends choose(Iterable<GemmBackend> found, String wanted) {
        List<String> report = new ArrayList<>();
        List<String> usable = new ArrayList<>();
        boolean forceJava = "java".equalsIgnoreCase(wanted);
        GemmBackend chosen = null;
        try {
            for (GemmBackend b : found) {
                GemmBackend.Availability a = b.availability();
                String name = nameOf(b);
                report.add(name + ": " + (a.usable() ? "usable" : "not usable, " + a.reason()));
                if (a.usable()) {
                    usable.add(name.split(" ")[0]);
                }
                boolean named = wanted == null || wanted.isBlank() || name.toLowerCase(java.util.Locale.ROOT).startsWith(wanted.toLowerCase(java.util.Locale.ROOT));
                if (a.usable() && !forceJava && named && (chosen == null || b.preference() > chosen.preference())) {
                    chosen = b;
                }
            }
        } catch (ServiceConfigurationError e) {
            report.add("a GEMM backend failed to load: " + e.getMessage());
        }
        usable.add("java");
        if (forceJava) {
            report.add("UNFOLD_GEMM=java forces the pure-Java kernel");
        } else if (wanted != null && !wanted.isBlank() && chosen == null) {
            String problem = "UNFOLD_GEMM=" + clip(wanted) + " names no GEMM backend that works here; available: " + String.join(", ", usable);
            report.add(problem);
            return new GemmBackends(new Unavailable(problem), List.copyOf(report), java.util.Optional.of(problem));
        }
        return new GemmBackends(chosen != null ? chosen : new JavaGemm(), List.copyOf(report), java.util.Optional.empty());
    }

    /** What stands in for a backend that was asked for by name and cannot run: every product fails with the reason. */
    private record Unavailable(String reason) implements GemmBackend {
        @Override
        public String name() {
            return "none (" + reason + ")";
        }

        @Override
        public Availability availability() {
            return Availability.no(reason);
        }

        @Override
        public void sgemm(Gemm.Op opA, Gemm.Op opB, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate) {
            throw new IllegalStateException(reason);
        }
    }

    /** At most 40 characters of what the user wrote, control characters as ?, so a refusal stays one line. */
    static String clip(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(40).forEach(cp -> sb.append(cp < 0x20 || cp == 0x7f ? "?" : new String(Character.toChars(cp))));
        return sb.toString();
    }

    /** A backend whose native library did not load may fail to say its own name (it asks the library). */
    private static String nameOf(GemmBackend b) {
        try {
            return b.name();
        } catch (LinkageError | RuntimeException e) {
            return b.getClass().getSimpleName();
        }
    }
}
