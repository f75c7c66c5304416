package dev.unfold.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link LstmGates} kernel found on the class path, if one is usable here; without one, compiled programs run
 * an LSTM step's element-wise work as Java passes. The environment variable {@code UNFOLD_LSTM_GATES} picks: {@code java}
 * keeps to the Java passes (to measure one against the other), any other value names a usable kernel by the start of
 * its name ({@code native}); a value that names none is a {@link #problem}, which the command line refuses.
 */
public record LstmGateKernels(Optional<LstmGates> active, List<String> report, Optional<String> problem) {
    private static final LstmGateKernels FOUND = choose(ServiceLoader.load(LstmGates.class), System.getenv("UNFOLD_LSTM_GATES"));

    /** What the process found, once. */
    public static LstmGateKernels found() {
        return FOUND;
    }

    static LstmGateKernels choose(Iterable<LstmGates> found, String wanted) {
        List<String> report = new ArrayList<>();
        List<String> usable = new ArrayList<>();
        boolean named = wanted != null && !wanted.isBlank();
        boolean java = named && "java".equalsIgnoreCase(wanted.strip());
        LstmGates chosen = null;
        try {
            for (LstmGates k : found) {
                GemmBackend.Availability a = k.availability();
                report.add(a.usable() ? k.name() + ": usable" : k.getClass().getSimpleName() + ": not usable, " + a.reason());
                if (a.usable()) {
                    usable.add(k.name().split(" ")[0]);
                }
                boolean matches = !named || k.name().toLowerCase(Locale.ROOT).startsWith(wanted.strip().toLowerCase(Locale.ROOT));
                if (a.usable() && chosen == null && !java && matches) {
                    chosen = k;
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            report.add("an LSTM gate kernel failed to load: " + e.getMessage());
        }
        usable.add("java");
        Optional<String> problem = Optional.empty();
        if (java) {
            report.add("UNFOLD_LSTM_GATES=java keeps to the Java passes");
        } else if (named && chosen == null) {
            problem = Optional.of("UNFOLD_LSTM_GATES=" + GemmBackends.clip(wanted) + " names no LSTM gate kernel that works here; available: " + String.join(", ", usable));
            report.add(problem.get());
        }
        return new LstmGateKernels(Optional.ofNullable(chosen), List.copyOf(report), problem);
    }

    /** What programs run an LSTM step's gates on: the kernel's name, or the Java passes. */
    public String describe() {
        return active.map(LstmGates::name).orElse("java passes");
    }
}
