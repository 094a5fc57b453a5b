package dev.manimgrpo.jobs.loop;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.jobs.notebooks.ExecutedNotebook;
import dev.manimgrpo.jobs.notebooks.NotebookRunner;
import dev.manimgrpo.jobs.rollout.RolloutTestConfigs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two steps of the GRPO loop on the embedded default (bundled starter, real renders, the packaged
 * trainer in its own process), run once for the class: step 0's shard trains a checkpoint, step 1
 * samples with it, and a rerun resumes without sampling or training anything again. The analysts'
 * notebook {@code notebooks/training.ipynb} then runs against the same run folder.
 */
@Tag("manim")
class GrpoLoopTest extends LocalSparkTest {

  static final int PROMPTS = 3;
  static final int G = 3;

  @TempDir static Path dir;
  static PipelineConfig config;
  static GrpoLoop.Outcome outcome;
  static String console;

  @BeforeAll
  static void runTwoSteps() {
    assertThat(Path.of(System.getProperty("manimgrpo.home", "."), "trainer", "target", "trainer.jar"))
        .as("the trainer must be packaged first (mvn package builds it before pipeline-jobs)").exists();
    // Test prompts: the starter has not memorised them, so their groups have reward spread to learn from.
    config = RolloutTestConfigs.config(dir, "loop", PROMPTS, G, Map.of(
        "dataset.split", "test", "rollout.loop.steps", "2", "rollout.loop.dir", dir.resolve("run").toString(),
        "trainer.grpo.groups-per-step", "2", "trainer.grpo.iterations", "1"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      outcome = GrpoLoop.run(spark, config, ps, false);
    }
    console = out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void twoStepsTrainOnTheirShardsAndTheNextStepSamplesWithTheNewCheckpoint() throws Exception {
    assertThat(outcome.steps()).hasSize(2);
    assertThat(outcome.steps().get(0).trainer()).isEqualTo("trained");
    assertThat(outcome.steps().get(1).policy()).endsWith("train/step-000000");

    Path trained = dir.resolve("run/train/step-000000");
    try (var s = Files.list(trained)) {
      assertThat(s.filter(p -> p.getFileName().toString().startsWith("step-")).count())
          .as("a checkpoint of step 0").isPositive();
    }
    var rows = spark.read().parquet(dir.resolve("run/rollouts").toString());
    assertThat(rows.where(col("step").equalTo(0)).count()).isEqualTo(PROMPTS * G);
    assertThat(rows.where(col("step").equalTo(1)).count()).isEqualTo(PROMPTS * G);
    Row step1 = rows.where(col("step").equalTo(1)).select("policy_checkpoint", "policy_id").first();
    assertThat(step1.getString(0)).contains("train/step-000000");
    assertThat(step1.getString(1)).contains("train/step-000000");
    JsonNode curve = new ObjectMapper().readTree(dir.resolve("run/loop.json").toFile());
    assertThat(curve.get("steps")).hasSize(2);
    assertThat(console).contains("reward mean").contains("[trainer] grpo:");

    // Resumed: nothing sampled, the trainer has nothing left to do.
    try (PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
      GrpoLoop.Outcome again = GrpoLoop.run(spark, config, ps, false);
      assertThat(again.steps()).allSatisfy(s -> assertThat(s.rollouts().rolloutsThisRun()).isZero());
    }
    assertThat(spark.read().parquet(dir.resolve("run/rollouts").toString()).count()).isEqualTo(2L * PROMPTS * G);
  }

  @Test
  @Tag("jupyter")
  void theTrainingNotebookPlotsThisRunAndPrintsItsCounts() throws Exception {
    Path run = dir.resolve("run");
    ExecutedNotebook nb = NotebookRunner.forRun(run).execute("training.ipynb", dir.resolve("notebooks"));

    // What the test knows: PROMPTS x G rollouts per step, and how many of them rendered.
    List<Map<String, String>> perStep = nb.printedTable("rollouts-per-step");
    assertThat(perStep).extracting(r -> r.get("step")).containsExactly("0", "1");
    var rows = spark.read().parquet(run.resolve("rollouts").toString());
    for (Map<String, String> r : perStep) {
      var step = rows.where(col("step").equalTo(Integer.parseInt(r.get("step"))));
      assertThat(r.get("rollouts")).isEqualTo(Integer.toString(PROMPTS * G));
      assertThat(r.get("groups")).isEqualTo(Integer.toString(PROMPTS));
      assertThat(r.get("rendered")).isEqualTo(Long.toString(step.where(col("status").equalTo("rendered")).count()));
    }
    // One trainer run per step that trained, with one metrics line per optimizer step.
    List<Map<String, String>> updates = nb.printedTable("train-per-step");
    List<String> trainedSteps = outcome.steps().stream().filter(s -> s.trainer().equals("trained"))
        .map(s -> Integer.toString(s.step())).toList();
    assertThat(updates).extracting(r -> r.get("grpo_step")).containsExactlyElementsOf(trainedSteps);
    for (Map<String, String> u : updates) {
      Path metrics = run.resolve(String.format("train/step-%06d/metrics.jsonl", Integer.parseInt(u.get("grpo_step"))));
      assertThat(u.get("trainer_steps")).isEqualTo(Long.toString(Files.readAllLines(metrics).size()));
    }
    // Box plots, render success, statuses, training curves; and the exceptions' plot if any rollout failed.
    boolean anyFailed = rows.where(col("status").notEqual("rendered")).count() > 0;
    assertThat(nb.pngCount()).isEqualTo(anyFailed ? 5 : 4);
    // Nothing of the machine beyond the run folder: not the checkout, not the home folder.
    assertThat(nb.allText()).contains(run.toString())
        .doesNotContain(Path.of(System.getProperty("manimgrpo.home", "..")).toAbsolutePath().normalize().toString())
        .doesNotContain(System.getProperty("user.home"));
  }
}
