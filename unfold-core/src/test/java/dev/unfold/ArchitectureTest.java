package dev.unfold;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies point one way: tensor ← kernel ← op ← graph ← {exec, nn} ← autodiff ← train; viz reads
 * the graph (module unfold-viz); io sits beside train. Each package may import only the packages listed here.
 */
class ArchitectureTest {
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "tensor", Set.of(),
            "kernel", Set.of("tensor"),
            "op", Set.of("tensor", "kernel"),
            "graph", Set.of("tensor", "op"),
            "exec", Set.of("tensor", "kernel", "op", "graph"),
            "autodiff", Set.of("tensor", "op", "graph", "exec"),
            "nn", Set.of("tensor", "op", "graph"),
            "io", Set.of("tensor", "nn"),
            "train", Set.of("tensor", "kernel", "op", "graph", "exec", "autodiff", "nn", "io"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.unfold");
    }

    static Stream<String> packages() {
        return ALLOWED.keySet().stream().sorted();
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
