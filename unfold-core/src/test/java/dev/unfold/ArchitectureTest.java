package dev.unfold;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies point one way: tensor ← kernel ← op ← graph ← {exec, nn} ← autodiff; optim, io and data
 * above nn; window (running a window) above them; train, store, eval and run on top, in that order. Each
 * package may import only the packages listed here, and every package of the library is listed.
 */
class ArchitectureTest {
    private static final Set<String> BASE = Set.of("tensor", "kernel", "op", "graph");
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("tensor", Set.of()),
            Map.entry("kernel", Set.of("tensor")),
            Map.entry("op", Set.of("tensor", "kernel")),
            Map.entry("graph", Set.of("tensor", "op")),
            Map.entry("exec", BASE),
            Map.entry("autodiff", union(BASE, "exec")),
            Map.entry("nn", BASE),
            Map.entry("io", Set.of("tensor", "nn")),
            Map.entry("optim", Set.of("tensor", "kernel", "nn")),
            Map.entry("data", Set.of("tensor", "nn", "io")),
            Map.entry("window", union(BASE, "exec", "autodiff", "nn", "io", "optim", "data")),
            Map.entry("train", union(BASE, "exec", "autodiff", "nn", "io", "optim", "data", "window")),
            Map.entry("store", Set.of("tensor", "nn", "io", "optim", "data", "window", "train")),
            Map.entry("eval", union(BASE, "exec", "autodiff", "nn", "io", "data", "window", "store")),
            Map.entry("run", union(BASE, "exec", "autodiff", "nn", "io", "optim", "data", "window", "train", "store", "eval")));

    private static JavaClasses classes;

    private static Set<String> union(Set<String> base, String... more) {
        Set<String> s = new TreeSet<>(base);
        s.addAll(List.of(more));
        return Set.copyOf(s);
    }

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.unfold");
    }

    static Stream<String> packages() {
        return ALLOWED.keySet().stream().sorted();
    }

    @Test
    void everyPackageOfTheLibraryHasItsRule() {
        Set<String> found = classes.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith("dev.unfold."))
                .map(p -> p.substring("dev.unfold.".length()).split("\\.")[0]).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ALLOWED.keySet()), found, "a new package needs its line in ALLOWED");
    }

    @ParameterizedTest(name = "{0} imports only what it may")
    @MethodSource("packages")
    void packageImportsOnlyWhatItMay(String pkg) {
        List<String> forbidden = ALLOWED.keySet().stream()
                .filter(other -> !other.equals(pkg) && !ALLOWED.get(pkg).contains(other))
                .map(other -> "dev.unfold." + other + "..")
                .toList();
        noClasses().that().resideInAPackage("dev.unfold." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .because(pkg + " may import only " + ALLOWED.get(pkg))
                .check(classes);
    }

    @ParameterizedTest(name = "{0} has no command-line dependency")
    @MethodSource("packages")
    void nothingBelowTheCliImportsPicocli(String pkg) {
        noClasses().that().resideInAPackage("dev.unfold." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "dev.unfold.cli..")
                .check(classes);
    }
}
