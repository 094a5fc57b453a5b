package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.TestSpark;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job sampling in-process from a Hugging Face checkpoint: {@code policy.checkpoint}
 * names a folder with {@code config.json}, safetensors and tokenizer files (a tiny random Qwen2
 * written here), and every row carries that model's tokens and log-probs, the policy id saying which
 * prompt template it was fed, and the mark that the trainer cannot train on them yet.
 */
@Tag("manim")
class HfRolloutTest {

  static final int PROMPTS = 2;
  static final int G = 2;
  static SparkSession spark;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    spark = TestSpark.start(Map.of());
  }

  @AfterAll
  static void stop() {
    ExecutorRenderPool.shutdown();
    ExecutorPolicy.clear();
    spark.stop();
  }

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
    assertThat(rows.where(col("trainer_reproducible")).count()).isZero();
    for (Row r : rows.collectAsList()) {
      assertThat((String) r.getAs("policy_id")).startsWith("hf:").contains("qwen2-tiny").contains("prompt manim-code-v1");
      assertThat(r.getList(r.fieldIndex("completion_token_ids"))).isNotEmpty().hasSizeLessThanOrEqualTo(8);
      assertThat(r.getList(r.fieldIndex("old_logprobs"))).hasSameSizeAs(r.getList(r.fieldIndex("completion_token_ids")));
    }
  }

  /** A 2-layer Qwen2 of width 64 with random weights and a byte-level tokenizer. */
  static Path tinyQwen2(Path folder) throws IOException {
    return SyntheticCheckpoint.write(folder, SyntheticCheckpoint.qwen2Config(64, 2, 4, 2, 160, 260, 4096), 11, 0.2);
  }
}
