package dev.unfold.viz;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Drawings read the graph: viz imports tensor, op and graph of unfold-core, and nothing that runs or trains. */
class ArchitectureTest {
    @Test
    void vizReadsOnlyTheGraph() {
        noClasses().that().resideInAPackage("dev.unfold.viz..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.unfold.exec..", "dev.unfold.autodiff..", "dev.unfold.train..",
                        "dev.unfold.optim..", "dev.unfold.io..", "dev.unfold.kernel..", "dev.unfold.cli..", "picocli..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.unfold.viz"));
    }
}
