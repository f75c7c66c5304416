package dev.unfold.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceConfigurationError;

/**
 * The optional kernel of one kind that programs run, chosen among those found on the class path by an environment
 * variable: unset, the first usable one; {@code java}, none (the Java passes, to measure one against the other); any
 * other value, the usable one whose name starts with it. A value that names none is a {@link #problem}, which the
 * command line refuses.
 *
 * @param active the kernel chosen, or empty for the Java passes
 * @param report one line for each kernel found, and what the variable asked
 * @param problem why the variable's value cannot be honoured
 * @param java what programs run without a kernel, as {@link #describe} says it
 */
public record KernelChoice<K extends OptionalKernel>(Optional<K> active, List<String> report, Optional<String> problem, String java) {
    /** Chooses among {@code found} by {@code wanted}, the value of {@code variable}; {@code what} names the kind in the problem. */
    public static <K extends OptionalKernel> KernelChoice<K> choose(Iterable<K> found, String variable, String wanted, String what, String java) {
        List<String> report = new ArrayList<>();
        List<String> usable = new ArrayList<>();
        boolean named = wanted != null && !wanted.isBlank();
        boolean keepToJava = named && "java".equalsIgnoreCase(wanted.strip());
        K chosen = null;
        try {
            for (K k : found) {
                GemmBackend.Availability a = k.availability();
                report.add(a.usable() ? k.name() + ": usable" : k.getClass().getSimpleName() + ": not usable, " + a.reason());
                if (a.usable()) {
                    usable.add(k.name().split(" ")[0]);
                }
                boolean matches = !named || k.name().toLowerCase(Locale.ROOT).startsWith(wanted.strip().toLowerCase(Locale.ROOT));
                if (a.usable() && chosen == null && !keepToJava && matches) {
                    chosen = k;
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            report.add("loading the " + what + "s failed: " + e.getMessage());
        }
        usable.add("java");
        Optional<String> problem = Optional.empty();
        if (keepToJava) {
            report.add(variable + "=java keeps to the " + java);
        } else if (named && chosen == null) {
            problem = Optional.of(variable + "=" + GemmBackends.clip(wanted) + " names no " + what + " that works here; available: " + String.join(", ", usable));
            report.add(problem.get());
        }
        return new KernelChoice<>(Optional.ofNullable(chosen), List.copyOf(report), problem, java);
    }

    /** What programs run: the kernel's name, or the Java passes. */
    public String describe() {
        return active.map(OptionalKernel::name).orElse(java);
    }
}
