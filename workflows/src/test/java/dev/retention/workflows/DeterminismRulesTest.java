package dev.retention.workflows;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.time.Clock;
import java.util.Random;
import java.util.UUID;

/**
 * Workflow code must be deterministic: it replays. Time comes from {@code
 * Workflow.currentTimeMillis}, waiting from {@code Workflow.sleep/await}, randomness from {@code
 * Workflow.newRandom/randomUUID}, and every effect (network, database, files) from an activity.
 * Test classes are not checked.
 */
@AnalyzeClasses(
    packages = "dev.retention.workflows",
    importOptions = ImportOption.DoNotIncludeTests.class)
class DeterminismRulesTest {

  static final String WORKFLOW_CODE = "dev.retention.workflows..";

  @ArchTest
  static final ArchRule no_wall_clock =
      noClasses()
          .that()
          .resideInAPackage(WORKFLOW_CODE)
          .should()
          .callMethodWhere(target(name("now")).and(target(owner(resideInAPackage("java.time..")))))
          .orShould()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(System.class, "nanoTime")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(Clock.class)
          .because("workflow time is Workflow.currentTimeMillis(), which replays");

  @ArchTest
  static final ArchRule no_thread_sleep =
      noClasses()
          .that()
          .resideInAPackage(WORKFLOW_CODE)
          .should()
          .callMethodWhere(target(name("sleep")).and(target(owner(assignableTo(Thread.class)))))
          .because("durable waits are Workflow.sleep/await");

  @ArchTest
  static final ArchRule no_randomness =
      noClasses()
          .that()
          .resideInAPackage(WORKFLOW_CODE)
          .should()
          .dependOnClassesThat()
          .areAssignableTo(Random.class)
          .orShould()
          .callMethod(UUID.class, "randomUUID")
          .orShould()
          .callMethod(Math.class, "random")
          .because("randomness must come from Workflow.newRandom()/Workflow.randomUUID()");

  @ArchTest
  static final ArchRule no_io =
      noClasses()
          .that()
          .resideInAPackage(WORKFLOW_CODE)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.net..", "java.sql..", "javax.sql..", "java.nio.file..")
          .orShould()
          .dependOnClassesThat()
          .areAssignableTo(File.class)
          .because("network, database and file access belong in activities");
}
