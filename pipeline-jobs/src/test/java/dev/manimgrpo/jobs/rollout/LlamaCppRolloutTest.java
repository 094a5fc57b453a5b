package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.policy.openai.FaultProxy;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.jobs.loop.GrpoLoop;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufExport;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served path end to end on what a fresh machine has: the bundled Hugging Face starter
 * ({@code bundled-hf}) exported to GGUF and served by a real llama-server, the rollout job sampling
 * it through the llama-cpp backend (rows with the server's ids and log-probs, rendered and scored),
 * and the packaged trainer training a LoRA adapter on that shard after holding the server's
 * log-probs to its own (the drift check).
 */
@Tag("manim")
@Tag("llama")
class LlamaCppRolloutTest extends LocalSparkTest {

  static final int PROMPTS = 2;
  static final int G = 2;
  static LlamaServerFixture server;
  @TempDir static Path dir;

  @BeforeAll
  static void serveTheStarter() throws Exception {
    Path gguf = dir.resolve("starter-hf.gguf");
    GgufExport.export(ModelFolder.local(PolicyLoader.hfStarter()), gguf, TensorType.F32);
    server = LlamaServerFixture.serve(gguf, "--cache-type-k", "f32", "--cache-type-v", "f32", "--flash-attn", "off");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aServedStarterGivesTrainableScoredRowsAndTheTrainerTrainsOnThem() throws Exception {
    assertThat(Path.of(System.getProperty("manimgrpo.home", "."), "trainer", "target", "trainer.jar"))
        .as("the trainer must be packaged first (mvn package builds it before pipeline-jobs)").exists();
    Path run = dir.resolve("loop");
    PipelineConfig config = RolloutTestConfigs.config(dir, "served", PROMPTS, G, Map.ofEntries(
        Map.entry("policy.backend", "llama-cpp"), Map.entry("policy.checkpoint", PolicyConfig.BUNDLED_HF),
        Map.entry("policy.openai.base-url", server.serverUrl()), Map.entry("policy.sampling.max-tokens", "400"),
        Map.entry("dataset.split", "train"), Map.entry("rollout.loop.steps", "1"),
        Map.entry("rollout.loop.dir", run.toString()), Map.entry("trainer.grpo.groups-per-step", "2"),
        Map.entry("trainer.grpo.iterations", "1"), Map.entry("trainer.grpo.zero-variance", "down-weight"),
        Map.entry("trainer.hf.lora.rank", "2")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    GrpoLoop.Outcome o;
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      o = GrpoLoop.run(spark, config, ps, false);
    } finally {
      System.out.println(out.toString(StandardCharsets.UTF_8)); // the loop's console, in the test's report
    }
    String console = out.toString(StandardCharsets.UTF_8);
    Dataset<Row> rows = spark.read().parquet(run.resolve("rollouts").toString());
    assertThat(rows.count()).isEqualTo(PROMPTS * G);
    assertThat(rows.where(col("status").equalTo("sampling_error")).count()).as(console).isZero();
    assertThat(rows.where(col("trainer_reproducible")).count()).isEqualTo(PROMPTS * G);
    assertThat(rows.where(col("old_logprobs").isNotNull()).count()).as("the server's log-probs").isPositive();
    assertThat(rows.where(col("status").equalTo("rendered")).count())
        .as("the starter writes its training programs, and they render").isPositive();
    for (Row r : rows.collectAsList()) {
      assertThat((String) r.getAs("policy_id")).startsWith("llama-cpp:" + server.serverUrl());
    }
    assertThat(o.steps()).extracting(GrpoLoop.StepResult::trainer).containsExactly("trained");
    assertThat(console).contains("grpo-hf: new run").contains("log-prob drift from the sampler mean");
    String metrics = Files.readString(run.resolve("train/step-000000/metrics.jsonl"));
    double drift = new com.fasterxml.jackson.databind.ObjectMapper().readTree(metrics.lines().findFirst().orElseThrow())
        .get("logprob_drift").asDouble();
    System.out.printf("served starter: drift of the trainer's log-probs from llama-server's %.3g per token%n", drift);
    assertThat(drift).as("llama-server computes the checkpoint's log-probs").isLessThan(1e-3);
  }

  @Test
  void logProbsTheShardCannotHoldCostTheRowsTheirTokensNotTheRows() throws Exception {
    // A server that answers positive log-probs (probabilities, or garbage): the rows land with their
    // text, render and reward, the reason names the column, and the trainer will skip their tokens.
    try (FaultProxy proxy = FaultProxy.start(server.serverUrl())) {
      proxy.always(FaultProxy.Fault.rewrite("\"logprob\":\\s*-?[0-9.eE+-]+", "\"logprob\":2.5"));
      PipelineConfig config = RolloutTestConfigs.config(dir.resolve("bad"), "bad-logprobs", 1, G, Map.ofEntries(
          Map.entry("policy.backend", "llama-cpp"), Map.entry("policy.checkpoint", PolicyConfig.BUNDLED_HF),
          Map.entry("policy.openai.base-url", proxy.baseUrl()), Map.entry("policy.sampling.max-tokens", "400"),
          Map.entry("dataset.split", "train")));
      RolloutJob.Outcome o = RolloutJob.run(spark, config, false);
      Dataset<Row> rows = spark.read().parquet(o.partition());
      assertThat(rows.count()).isEqualTo(G);
      for (Row r : rows.collectAsList()) {
        assertThat((String) r.getAs("status")).isNotEqualTo("sampling_error");
        assertThat((String) r.getAs("error_reason")).contains("tokens dropped: column 'old_logprobs'")
            .contains("is 2.5");
        assertThat(r.<scala.collection.Seq<?>>getAs("completion_token_ids").size()).isZero();
        assertThat((Object) r.getAs("old_logprobs")).isNull();
        assertThat((String) r.getAs("completion_text")).isNotBlank();
      }
    }
  }
}
