package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job sampling in-process from a Hugging Face checkpoint: {@code policy.checkpoint}
 * names a folder with {@code config.json}, safetensors and tokenizer files (a tiny random Qwen2
 * written here), and every row carries that model's tokens and log-probs, the policy id saying which
 * prompt template it was fed, and the mark that the trainer can train on them. Then two steps of the
 * GRPO loop on that model: the packaged trainer trains a LoRA adapter on step 0's shard (after
 * checking the shard's log-probs against its own) and step 1 samples with the adapter.
 */
@Tag("manim")
class HfRolloutTest extends LocalSparkTest {

  static final int PROMPTS = 2;
  static final int G = 2;
  @TempDir static Path dir;

  @Test
  void rowsCarryTheCheckpointsTokensAndSayWhichTemplateFedIt() throws Exception {
    Path model = tinyQwen2(dir.resolve("qwen2-tiny"));
    PipelineConfig config = RolloutTestConfigs.config(dir, "hf", PROMPTS, G, Map.of(
        "policy.checkpoint", model.toString(), "policy.sampling.max-tokens", "8"));
    RolloutJob.Outcome o = RolloutJob.run(spark, config, false);
    Dataset<Row> rows = spark.read().parquet(o.partition());
    assertThat(rows.count()).isEqualTo(PROMPTS * G);
    assertThat(rows.where(col("status").isNull()).count()).isZero();
    assertThat(rows.where(col("status").equalTo("sampling_error")).count()).isZero();
    assertThat(rows.where(col("trainer_reproducible")).count()).isEqualTo(PROMPTS * G);
    for (Row r : rows.collectAsList()) {
      assertThat((String) r.getAs("policy_id")).startsWith("hf:").contains("qwen2-tiny").contains("prompt manim-code-v1");
      assertThat(r.getList(r.fieldIndex("completion_token_ids"))).isNotEmpty().hasSizeLessThanOrEqualTo(8);
      assertThat(r.getList(r.fieldIndex("old_logprobs"))).hasSameSizeAs(r.getList(r.fieldIndex("completion_token_ids")));
    }
  }

  @Test
  void theGrpoLoopTrainsALoraAdapterOnTheShardAndTheNextStepSamplesWithIt() throws Exception {
    assertThat(Path.of(System.getProperty("manimgrpo.home", "."), "trainer", "target", "trainer.jar"))
        .as("the trainer must be packaged first (mvn package builds it before pipeline-jobs)").exists();
    Path model = tinyQwen2(dir.resolve("qwen2-loop"));
    Path run = dir.resolve("loop-run");
    PipelineConfig config = RolloutTestConfigs.config(dir, "hf-loop", PROMPTS, G + 1, Map.ofEntries(
        Map.entry("policy.checkpoint", model.toString()), Map.entry("policy.sampling.max-tokens", "8"),
        Map.entry("rollout.loop.steps", "2"), Map.entry("rollout.loop.dir", run.toString()),
        Map.entry("trainer.grpo.groups-per-step", "2"), Map.entry("trainer.grpo.iterations", "2"),
        // Random weights write no scene, so every reward is equal; down-weighted groups still train.
        Map.entry("trainer.grpo.zero-variance", "down-weight"), Map.entry("trainer.hf.lora.rank", "2")));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    dev.manimgrpo.jobs.loop.GrpoLoop.Outcome o;
    try (java.io.PrintStream ps = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)) {
      o = dev.manimgrpo.jobs.loop.GrpoLoop.run(spark, config, ps, false);
    }
    String console = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(o.steps()).extracting(s -> s.trainer()).containsExactly("trained", "trained");
    assertThat(console).contains("grpo-hf: new run").contains("LoRA r 2")
        .contains("log-prob drift from the sampler mean").contains("the base without the adapter");
    Path adapter = run.resolve("train/step-000000/step-000002");
    assertThat(adapter.resolve("adapter_config.json")).exists();
    String metrics = java.nio.file.Files.readString(run.resolve("train/step-000000/metrics.jsonl"));
    double drift = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics.lines().findFirst().orElseThrow())
        .get("logprob_drift").asDouble();
    assertThat(drift).as("the trainer computes the sampler's log-probs").isLessThan(1e-4);
    Dataset<Row> step1 = spark.read().parquet(run.resolve("rollouts").toString()).where(col("step").equalTo(1));
    assertThat(step1.count()).isEqualTo(PROMPTS * (G + 1));
    assertThat(step1.select("policy_id").first().getString(0)).startsWith("hf:").contains("train/step-000000");
    // Step 1 trained from step 0's adapter, on rows that adapter sampled.
    assertThat(console).contains("from the adapter");
  }

  /** A 2-layer Qwen2 of width 64 with random weights and a byte-level tokenizer. */
  static Path tinyQwen2(Path folder) throws IOException {
    return SyntheticCheckpoint.write(folder, SyntheticCheckpoint.qwen2Config(64, 2, 4, 2, 160, 260, 4096), 11, 0.2);
  }
}
