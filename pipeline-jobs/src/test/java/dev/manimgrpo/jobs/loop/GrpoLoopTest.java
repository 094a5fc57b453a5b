package dev.manimgrpo.jobs.loop;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.rollout.RolloutTestConfigs;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two steps of the GRPO loop on the embedded default (bundled starter, real renders, the packaged
 * trainer in its own process): step 0's shard trains a checkpoint, step 1 samples with it, and a
 * rerun resumes without sampling or training anything again.
 */
@Tag("manim")
class GrpoLoopTest {

  @TempDir Path dir;

  @Test
  void twoStepsTrainOnTheirShardsAndTheNextStepSamplesWithTheNewCheckpoint() throws Exception {
    assertThat(Path.of(System.getProperty("manimgrpo.home", "."), "trainer", "target", "trainer.jar"))
        .as("the trainer must be packaged first (mvn package builds it before pipeline-jobs)").exists();
    // Test prompts: the starter has not memorised them, so their groups have reward spread to learn from.
    PipelineConfig config = RolloutTestConfigs.config(dir, "loop", 3, 3, Map.of(
        "dataset.split", "test", "rollout.loop.steps", "2", "rollout.loop.dir", dir.resolve("run").toString(),
        "trainer.grpo.groups-per-step", "2", "trainer.grpo.iterations", "1"));
    SparkSession spark = TestSpark.start(Map.of());
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      GrpoLoop.Outcome o = GrpoLoop.run(spark, config, out, false);
      assertThat(o.steps()).hasSize(2);
      assertThat(o.steps().get(0).trainer()).isEqualTo("trained");
      assertThat(o.steps().get(1).policy()).endsWith("train/step-000000");

      Path trained = dir.resolve("run/train/step-000000");
      try (var s = Files.list(trained)) {
        assertThat(s.filter(p -> p.getFileName().toString().startsWith("step-")).count())
            .as("a checkpoint of step 0").isPositive();
      }
      var rows = spark.read().parquet(dir.resolve("run/rollouts").toString());
      assertThat(rows.where(col("step").equalTo(0)).count()).isEqualTo(9);
      assertThat(rows.where(col("step").equalTo(1)).count()).isEqualTo(9);
      Row step1 = rows.where(col("step").equalTo(1)).select("policy_checkpoint", "policy_id").first();
      assertThat(step1.getString(0)).contains("train/step-000000");
      assertThat(step1.getString(1)).contains("train/step-000000");
      JsonNode curve = new ObjectMapper().readTree(dir.resolve("run/loop.json").toFile());
      assertThat(curve.get("steps")).hasSize(2);
      assertThat(console.toString(StandardCharsets.UTF_8)).contains("reward mean").contains("[trainer] grpo:");

      // Resumed: nothing sampled, the trainer has nothing left to do.
      GrpoLoop.Outcome again = GrpoLoop.run(spark, config, out, false);
      assertThat(again.steps()).allSatisfy(s -> assertThat(s.rollouts().rolloutsThisRun()).isZero());
      assertThat(spark.read().parquet(dir.resolve("run/rollouts").toString()).count()).isEqualTo(18);
    } finally {
      ExecutorRenderPool.shutdown();
      ExecutorPolicy.clear();
      spark.stop();
    }
  }
}
