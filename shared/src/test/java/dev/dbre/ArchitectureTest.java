package dev.dbre;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The core's shape (docs/architecture.md), checked on shared's main classes: its packages form no
 * cycle, and the ports with the types they exchange depend on nothing of ours, so every package
 * (and every cloud module) may depend on them without dragging the rest in. The build's enforcer
 * rule (shared/pom.xml) keeps cloud SDKs and the embedded server off shared's class path.
 */
@AnalyzeClasses(packages = "dev.dbre", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** One slice per top-level package ({@code ingest} with its sub-packages is one slice). */
    @ArchTest
    static final ArchRule packages_formNoCycle =
            slices().matching("dev.dbre.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule ports_dependOnNothingOfOursOutsideThemselves = noClasses()
            .that()
            .resideInAPackage("dev.dbre.port..")
            .should()
            .dependOnClassesThat(resideInAPackage("dev.dbre..").and(not(resideInAPackage("dev.dbre.port.."))))
            .because("the ports and the types they exchange are what every package and cloud module builds on");
}
