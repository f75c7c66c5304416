package dev.unfold.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The {@link LstmGates} kernel found on the class path, if one is usable here; without one, compiled programs run
 * an LSTM step's element-wise work as Java passes. The environment variable {@code UNFOLD_LSTM_GATES=java} keeps to
 * the Java passes (to measure one against the other).
 */
public record LstmGateKernels(Optional<LstmGates> active, List<String> report) {
    private static final LstmGateKernels FOUND = choose(ServiceLoader.load(LstmGates.class), System.getenv("UNFOLD_LSTM_GATES"));

    /** What the process found, once. */
    public static LstmGateKernels found() {
        return FOUND;
    }

    static LstmGateKernels choose(Iterable<LstmGates> found, String wanted) {
        List<String> report = new ArrayList<>();
        LstmGates chosen = null;
        boolean java = "java".equalsIgnoreCase(wanted);
        try {
            for (LstmGates k : found) {
                GemmBackend.Availability a = k.availability();
                report.add(a.usable() ? k.name() + ": usable" : k.getClass().getSimpleName() + ": not usable, " + a.reason());
                if (a.usable() && chosen == null && !java) {
                    chosen = k;
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            report.add("an LSTM gate kernel failed to load: " + e.getMessage());
        }
        if (java) {
            report.add("UNFOLD_LSTM_GATES=java keeps to the Java passes");
        }
        return new LstmGateKernels(Optional.ofNullable(chosen), List.copyOf(report));
    }

    /** What programs run an LSTM step's gates on: the kernel's name, or the Java passes. */
    public String describe() {
        return active.map(LstmGates::name).orElse("java passes");
    }
}
