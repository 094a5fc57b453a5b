package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The settings a job's session starts with, and the order in which they win. */
class SparkSessionsTest {

  @Test
  void sqlCodegenIsOffByDefaultAndAJobsQueriesRunInterpretedWithTheRightResults() {
    List<Row> rows = SparkSessions.run(config(Map.of()), "codegen-test", spark -> {
      assertThat(spark.conf().get("spark.sql.codegen.wholeStage")).isEqualTo("false");
      assertThat(spark.conf().get("spark.sql.codegen.factoryMode")).isEqualTo("NO_CODEGEN");
      var q = spark.range(0, 1000, 1, 4).selectExpr("id % 3 AS k", "id * 2 AS v").where("v > 10")
          .groupBy("k").agg(org.apache.spark.sql.functions.sum("v").as("s")).orderBy("k");
      // whole-stage code generation marks the operators it fused with *(n) in the plan
      assertThat(q.queryExecution().executedPlan().toString()).doesNotContain("*(");
      return q.collectAsList();
    });

    // sum of 2 * id over id in [6, 999] with id % 3 == k
    long[] expected = new long[3];
    for (long id = 6; id < 1000; id++) {
      expected[(int) (id % 3)] += 2 * id;
    }
    assertThat(rows).extracting(r -> r.getLong(0)).containsExactly(0L, 1L, 2L);
    assertThat(rows).extracting(r -> r.getLong(1)).containsExactly(expected[0], expected[1], expected[2]);
  }

  @Test
  void sqlCodegenTrueLeavesSparksDefaults() {
    SparkConf conf = SparkSessions.sessionConf(config(Map.of("spark.sql-codegen", "true")), "t");

    assertThat(conf.contains("spark.sql.codegen.wholeStage")).isFalse();
    assertThat(conf.contains("spark.sql.codegen.factoryMode")).isFalse();
  }

  @Test
  void aCodegenKeyInSparkConfWinsOverSqlCodegen() {
    SparkConf conf = SparkSessions.sessionConf(config(Map.of("spark.conf.spark.sql.codegen.wholeStage", "true")), "t");

    assertThat(conf.get("spark.sql.codegen.wholeStage")).isEqualTo("true");
    assertThat(conf.get("spark.sql.codegen.factoryMode")).isEqualTo("NO_CODEGEN");
  }

  @Test
  void aSystemPropertyAsSparkSubmitSetsItWinsOverBoth() {
    String key = "spark.sql.codegen.factoryMode";
    String before = System.getProperty(key);
    System.setProperty(key, "FALLBACK");
    try {
      SparkConf conf = SparkSessions.sessionConf(config(Map.of("spark.conf." + key, "CODEGEN_ONLY")), "t");

      assertThat(conf.get(key)).isEqualTo("FALLBACK");
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  @Test
  void onlyALocalMastersFileSystemSetsPermissionsInProcess() {
    SparkConf local = SparkSessions.sessionConf(config(Map.of()), "t");
    SparkConf cluster = SparkSessions.sessionConf(config(Map.of("spark.master", "spark://127.0.0.1:7077")), "t");
    SparkConf localCluster = SparkSessions.sessionConf(config(Map.of("spark.master", "local-cluster[2,1,1024]")), "t");

    assertThat(local.get("spark.hadoop.fs.file.impl")).isEqualTo(NioLocalFileSystem.class.getName());
    assertThat(cluster.contains("spark.hadoop.fs.file.impl")).isFalse();
    assertThat(localCluster.contains("spark.hadoop.fs.file.impl")).isFalse();
  }

  /** A local[2] session's configuration on loopback, preflight off, with {@code overrides} on top. */
  static PipelineConfig config(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(Map.of("spark.master", "local[2]", "preflight.enabled", "false",
        "spark.conf.spark.driver.host", "127.0.0.1", "spark.conf.spark.driver.bindAddress", "127.0.0.1"));
    all.putAll(overrides);
    return ConfigLoader.load(null, all);
  }
}
