package dev.manimgrpo.jobs.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the pure packages free of Spark: only packages named {@code spark} (in pipeline-core and
 * reward-udfs) and the whole of pipeline-jobs may depend on {@code org.apache.spark..} or
 * {@code scala..}. Everything else in pipeline-core and reward-udfs, and the whole policy module, is
 * plain Java that the trainer and unit tests use without Spark.
 *
 * <p>It lives in pipeline-jobs because this module's test class path holds the main classes of every
 * module it checks. Test classes are not checked (they may start Spark to test a wrapper).
 */
class SparkFreePackagesTest {

  private static final String[] PURE = {"dev.manimgrpo.core..", "dev.manimgrpo.reward..", "dev.manimgrpo.policy.."};
  private static final String[] SPARK_WRAPPERS = {"dev.manimgrpo.core.spark..", "dev.manimgrpo.reward.spark.."};
  private static final String[] SPARK = {"org.apache.spark..", "scala.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        // a test-jar on the class path (pipeline-core's) when the modules come from the local repository
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("dev.manimgrpo");
  }

  @Test
  void pureClassesDoNotDependOnSparkOrScala() {
    ArchRule rule = noClasses().that().resideInAnyPackage(PURE)
        .and().resideOutsideOfPackages(SPARK_WRAPPERS)
        .should().dependOnClassesThat().resideInAnyPackage(SPARK)
        .because("Spark code belongs in a package named spark (core.spark, reward.spark) or in pipeline-jobs;"
            + " move the Spark part there and keep the pure function here");
    rule.check(classes);
  }

  /** The rule above passes vacuously if a module's classes are missing, so check they were imported. */
  @Test
  void everyCheckedModuleIsOnTheClassPath() {
    assertThat(classes.stream().map(c -> c.getPackageName()))
        .as("packages imported from the main classes of pipeline-core, reward-udfs and policy")
        .anyMatch(p -> p.startsWith("dev.manimgrpo.core.rollout"))
        .anyMatch(p -> p.startsWith("dev.manimgrpo.reward.fused"))
        .anyMatch(p -> p.startsWith("dev.manimgrpo.policy.sampling"))
        .anyMatch(p -> p.startsWith("dev.manimgrpo.core.spark"));
  }
}
