package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a rollout job in the middle of a step (its own JVM, real Spark, real renders), rerun the
 * step, and count: every group of the step is there exactly once. The step is one Spark write (the
 * default): the groups whose tasks committed before the kill are kept (file committer v2) although
 * the write itself never committed.
 */
@Tag("manim")
class KilledRolloutTest {

  static final int PROMPTS = 5;
  static final int G = 2;
  @TempDir Path dir;

  @Test
  void aKilledStepCompletesOnRerunWithoutLossOrDuplicates() throws Exception {
    Map<String, String> conf = RolloutTestConfigs.overrides(dir, "killed", PROMPTS, G);
    conf.put("spark.master", "local[1]");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The test JVM's flags (Spark's module options, the javacpp cache folder) serve the child too.
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-XX:+Ignore") || a.startsWith("-Dorg.bytedeco")
            || a.startsWith("--enable-native") || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty"))
        .toList());
    cmd.addAll(List.of("-Xmx2g", "-cp", System.getProperty("java.class.path"), "dev.manimgrpo.jobs.cli.ManimGrpoCommand",
        "rollout", "--no-progress"));
    conf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("killed-run.log").toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    Path partition = dir.resolve("rollouts").resolve("run_id=killed").resolve("step=0");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    try {
      // Kill it once the first task's group has landed, while the write goes on.
      while (parquetFiles(partition) < 1) {
        assertThat(p.isAlive()).as("the job ended before a group landed; see " + dir.resolve("killed-run.log")).isTrue();
        assertThat(System.nanoTime()).as("no group landed in time").isLessThan(deadline);
        Thread.sleep(200);
      }
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(60, TimeUnit.SECONDS);
    }
    long committed = parquetFiles(partition);
    assertThat(committed).as("killed mid-step").isLessThan(PROMPTS);
    assertThat(partition.resolve("_SUCCESS")).as("the step's write never committed").doesNotExist();

    SparkSession spark = TestSpark.start(Map.of());
    try {
      // On one slot the first task took three of the five groups (TaskChunks: about half the work
      // left per task on one slot, and never fewer than groups-ahead + 1 = 3), and its file landed
      // whole: a killed write keeps whole tasks.
      List<Row> perFile = spark.read().parquet(partition.toString())
          .groupBy(org.apache.spark.sql.functions.input_file_name())
          .agg(org.apache.spark.sql.functions.countDistinct("group_uid"), org.apache.spark.sql.functions.count("*"))
          .collectAsList();
      assertThat(perFile).anySatisfy(r -> assertThat(r.getLong(1)).isEqualTo(3));
      assertThat(perFile).allSatisfy(r -> assertThat(r.getLong(2)).isEqualTo(r.getLong(1) * G));
      PipelineConfig config = RolloutTestConfigs.config(dir, "killed", PROMPTS, G, Map.of());
      RolloutJob.Outcome rerun = RolloutJob.run(spark, config, false);
      assertThat(rerun.summary().resumedGroups()).isGreaterThanOrEqualTo(1);
      Dataset<Row> rows = spark.read().parquet(dir.resolve("rollouts").toString());
      assertThat(rows.count()).isEqualTo(PROMPTS * G);
      assertThat(rows.select("group_uid", "rollout_index").distinct().count()).isEqualTo(PROMPTS * G);
      assertThat(rows.select("prompt_id").distinct().count()).isEqualTo(PROMPTS);
      assertThat(rerun.summary().rolloutsThisRun()).isEqualTo((PROMPTS - rerun.summary().resumedGroups()) * G);
    } finally {
      ExecutorRenderPool.shutdown();
      ExecutorPolicy.clear();
      spark.stop();
    }
  }

  private static long parquetFiles(Path partition) throws java.io.IOException {
    if (!Files.isDirectory(partition)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(partition)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }
}
