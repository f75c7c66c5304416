package dev.unfold.kernel;

/** A kernel of an optional module (native code), found by {@link java.util.ServiceLoader} and chosen by {@link KernelChoice}. */
public interface OptionalKernel {
    /** What it is and what it runs on, as a report line says it: its first word is what a variable names it by. */
    String name();

    GemmBackend.Availability availability();
}
