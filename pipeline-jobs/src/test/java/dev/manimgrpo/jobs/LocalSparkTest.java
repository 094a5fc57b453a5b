package dev.manimgrpo.jobs;

import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.jobs.spark.ExecutorScoring;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class on a local SparkSession of its own ({@link TestSpark}), started before its tests and
 * stopped after them, with the executor's render pools, policies and scoring state released, so
 * that the next class starts from nothing. A subclass's own {@code @BeforeAll} runs after the
 * session started, its {@code @AfterAll} before it stops.
 */
public abstract class LocalSparkTest {

  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = TestSpark.start(Map.of());
  }

  @AfterAll
  static void stopSpark() {
    ExecutorRenderPool.shutdown();
    ExecutorPolicy.clear();
    ExecutorScoring.clear();
    spark.stop();
    spark = null;
  }
}
