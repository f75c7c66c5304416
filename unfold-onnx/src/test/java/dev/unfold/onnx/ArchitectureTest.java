package dev.unfold.onnx;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The export reads a model and its unfolded graph: it imports nothing that runs, trains or parses command lines. */
class ArchitectureTest {
    @Test
    void exportReadsTheModelAndTheGraphOnly() {
        noClasses().that().resideInAPackage("dev.unfold.onnx..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.unfold.exec..", "dev.unfold.autodiff..", "dev.unfold.optim..", "dev.unfold.train..",
                        "dev.unfold.window..", "dev.unfold.run..", "dev.unfold.eval..", "dev.unfold.cli..", "picocli..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.unfold.onnx"));
    }
}
