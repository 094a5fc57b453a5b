package dev.manimgrpo.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.trainer.data.LocalSpark;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.PolicySampler;
import dev.manimgrpo.policy.sampling.SamplingParams;
import dev.manimgrpo.policy.tokenizer.BpeTokenizer;
import dev.manimgrpo.policy.tokenizer.BpeTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's hand-over, end to end: a policy samples a group with the KV cache, the rollouts
 * (with the sampler's log-probs) are written as a shard through Spark, and `manim-grpo-trainer
 * grpo` trains on that shard from the policy's checkpoint.
 */
class GrpoFromSparkShardTest {

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limitOpThreads(1);
  }

  @Test
  void grpoTrainsOnAShardSparkWrote() throws Exception {
    BpeTokenizer tok = new BpeTrainer(300).train(List.of("from manim import *\nclass A(Scene):\n    def construct(self):\n"
        + "        self.play(Create(Circle()))\n```"));
    Policy policy = new Policy(ModelParameters.initialise(new ModelConfig(tok.vocabSize(), 1, 2, 16, 96, 0.0), 9), tok, 0,
        "test");
    Path ckpt = dir.resolve("policy");
    new CheckpointStore(new Configuration()).save(ckpt.toUri(), new Checkpoint(1, Instant.now(),
        new DataDescription("test", "train", 1), Map.of(), Policy.configJson(policy.config()), policy.tokenizerBytes(),
        policy.weights(), new LinkedHashMap<>(), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));

    List<PolicySampler.Generation> group = PolicySampler.of(policy, PipelineConfig.defaults()).generate(List.of("Draw a circle."), 4,
        SamplingParams.of(1.0, 1.0, 0.0, 12, 5)).get(0);
    List<RolloutRow> rows = new ArrayList<>();
    double[] rewards = {1.0, 0.2, 0.6, 0.2};
    double mean = 0.5;
    for (int i = 0; i < group.size(); i++) {
      PolicySampler.Generation g = group.get(i);
      rows.add(new RolloutRow("run-1", 1, "p1", "p1-g", i, g.promptIds(), g.completion().tokens(),
          g.completion().logProbs(), g.text(), "runtime_error", "NameError", 0.3, 0.0, null, rewards[i],
          rewards[i] - mean, false, ckpt.toString()));
    }
    Path shard = dir.resolve("shard");
    SparkSession spark = LocalSpark.start();
    spark.createDataFrame(rows.stream().map(RolloutShardSparkSchema::toRow).toList(),
        RolloutShardSparkSchema.sparkSchema()).coalesce(1).write().parquet(shard.toString());

    TrainerCommandTest.Run r = TrainerCommandTest.run("grpo", "--shard", shard.toString(), "--run-dir",
        dir.resolve("grpo").toString(), "--conf", "policy.checkpoint=" + ckpt.resolve("step-000001"),
        "--conf", "trainer.grpo.iterations=2", "--no-progress");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> metrics = Files.readAllLines(dir.resolve("grpo").resolve("metrics.jsonl"));
    assertThat(metrics).hasSize(2);
    // The shard's log-probs are the sampler's: on the first iteration the ratio is 1.
    assertThat(metrics.get(0)).containsPattern("\"mean_ratio\":(1\\.0|0\\.99999|1\\.00000)");
    assertThat(dir.resolve("grpo").resolve("step-000002").resolve("manifest.json")).exists();
  }
}
