package dev.manimgrpo.jobs.eval.report;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The report takes plain records, so a notebook or the trainer can write one without Spark: this
 * package may not depend on Spark or Scala, though the rest of pipeline-jobs does.
 */
class ReportIsSparkFreeTest {

  @Test
  void reportClassesDoNotDependOnSpark() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
        .because("the report works from collected records; collect in the job, not here")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.manimgrpo.jobs.eval.report"));
  }
}
