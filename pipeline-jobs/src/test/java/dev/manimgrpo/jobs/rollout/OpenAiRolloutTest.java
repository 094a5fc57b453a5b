package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.policy.openai.FaultProxy;
import dev.manimgrpo.core.policy.openai.FaultProxy.Fault;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.jobs.LocalSparkTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job with the openai backend against a real llama.cpp server behind a fault-injecting
 * proxy: retried faults still give complete groups, and a server that keeps failing gives rows
 * with status sampling_error and the reason, never a lost group. The rows are marked as tokens this
 * trainer cannot reproduce.
 */
@Tag("manim")
@Tag("llama")
class OpenAiRolloutTest extends LocalSparkTest {

  static final int PROMPTS = 3;
  static final int G = 3;
  static LlamaServerFixture llama;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    llama = LlamaServerFixture.start();
  }

  @AfterAll
  static void stop() {
    llama.close();
  }

  private static PipelineConfig config(String runId, String baseUrl) {
    Map<String, String> m = new HashMap<>();
    m.put("policy.backend", "openai");
    m.put("policy.openai.base-url", baseUrl);
    m.put("policy.openai.model", "tiny");
    m.put("policy.openai.max-retries", "4");
    m.put("policy.openai.backoff-initial-ms", "10");
    m.put("policy.openai.backoff-max-ms", "50");
    m.put("policy.openai.timeout-seconds", "5");
    m.put("policy.sampling.max-tokens", "32");
    return RolloutTestConfigs.config(dir, runId, PROMPTS, G, m);
  }

  @Test
  void retriedFaultsStillGiveCompleteGroups() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl())) {
      proxy.script(Fault.tooManyRequests(0), Fault.status(500, "{\"error\":\"boom\"}"), Fault.malformed(),
          Fault.dropChoices(1));
      RolloutJob.Outcome o = RolloutJob.run(spark, config("faults", proxy.baseUrl()), false);
      Dataset<Row> rows = spark.read().parquet(o.partition());
      assertThat(rows.count()).isEqualTo(PROMPTS * G);
      assertThat(rows.select("group_uid", "rollout_index").distinct().count()).isEqualTo(PROMPTS * G);
      assertThat(rows.where(col("status").equalTo("sampling_error")).count()).isZero();
      assertThat(rows.where(col("trainer_reproducible")).count()).isZero();
      assertThat((String) rows.first().getAs("policy_id")).startsWith("openai:tiny@");
      assertThat(proxy.requests().size()).isGreaterThan(PROMPTS);
    }
  }

  @Test
  void aServerThatKeepsFailingGivesRowsWithTheReasonNotALostGroup() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl())) {
      proxy.always(Fault.status(503, "{\"error\":\"overloaded\"}"));
      RolloutJob.Outcome o = RolloutJob.run(spark, config("down", proxy.baseUrl()), false);
      Dataset<Row> rows = spark.read().parquet(o.partition());
      assertThat(rows.count()).isEqualTo(PROMPTS * G);
      List<Row> reasons = rows.select("status", "error_reason").distinct().collectAsList();
      assertThat(reasons).allSatisfy(r -> {
        assertThat(r.getString(0)).isEqualTo("sampling_error");
        assertThat(r.getString(1)).contains("503");
      });
      assertThat(o.summary().statuses()).containsEntry("sampling_error", (long) PROMPTS * G);
    }
  }
}
