package dev.unfold.kernel;

import java.util.ServiceLoader;

/**
 * The {@link LstmGates} kernel found on the class path, if one is usable here; without one, compiled programs run
 * an LSTM step's element-wise work as Java passes. The environment variable {@code UNFOLD_LSTM_GATES} picks
 * ({@code java} or {@code native}), as {@link KernelChoice} says.
 */
public final class LstmGateKernels {
    private static final KernelChoice<LstmGates> FOUND = choose(ServiceLoader.load(LstmGates.class), System.getenv("UNFOLD_LSTM_GATES"));

    private LstmGateKernels() {
    }

    /** What the process found, once. */
    public static KernelChoice<LstmGates> found() {
        return FOUND;
    }

    static KernelChoice<LstmGates> choose(Iterable<LstmGates> found, String wanted) {
        return KernelChoice.choose(found, "UNFOLD_LSTM_GATES", wanted, "LSTM gate kernel", "java passes");
    }
}
