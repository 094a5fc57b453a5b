package dev.manimgrpo.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.eval.EvalAggregate;
import dev.manimgrpo.core.eval.EvalSample;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.jobs.LocalSparkTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A policy matrix of the project's own policy (a DL4J checkpoint) and an HTTP endpoint (a real
 * llama.cpp server with a tiny model): both answer in one evaluation, the endpoint's token counts
 * come from its usage reports, and the aggregate table has a row per policy and strategy.
 */
@Tag("manim")
@Tag("llama")
class EvalMatrixLlamaTest extends LocalSparkTest {

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

  @Test
  void aCheckpointAndAnEndpointAreEvaluatedSideBySide() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("output.dir", dir.resolve("out").toString());
    m.put("dataset.split", "test");
    m.put("dataset.limit", "1");
    m.put("eval.eval-id", "matrix");
    m.put("eval.strategies", "[direct, ritl]");
    m.put("eval.max-rounds", "2");
    m.put("eval.report", "false");
    m.put("eval.bootstrap-samples", "100");
    m.put("eval.policies", "[{name: starter, stage: sft, checkpoint: bundled},"
        + " {name: tiny, stage: base, backend: openai, base-url: '" + llama.baseUrl() + "', model: tiny}]");
    m.put("policy.openai.timeout-seconds", "20");
    m.put("policy.sampling.max-tokens", "24");
    m.put("render.workers", "1");
    EvalJob.Outcome out = EvalJob.run(spark, ConfigLoader.load(null, m), false);

    assertThat(out.samples()).hasSize(2 * 2);
    for (EvalSample s : out.samples()) {
      assertThat(s.rounds()).isNotEmpty();
      if (s.policy().equals("tiny")) {
        assertThat(s.policyId()).startsWith("openai:tiny@");
        assertThat(s.stage()).isEqualTo("base");
        // One choice per request: the server's usage gives both counts.
        assertThat(s.promptTokens()).isPositive();
        assertThat(s.completionTokens()).isPositive();
      } else {
        assertThat(s.policyId()).startsWith("hf:bundled-hf:");
        assertThat(s.stage()).isEqualTo("sft");
      }
    }
    assertThat(out.aggregates()).extracting(EvalAggregate::policy, EvalAggregate::strategy)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("starter", "direct"),
            org.assertj.core.groups.Tuple.tuple("starter", "ritl"), org.assertj.core.groups.Tuple.tuple("tiny", "direct"),
            org.assertj.core.groups.Tuple.tuple("tiny", "ritl"));
    EvalAggregate tinyRitl = out.aggregates().get(3);
    assertThat(tinyRitl.tokensVsDirect()).isNotNull().isGreaterThanOrEqualTo(1.0);
    assertThat(out.report()).isNull();
  }
}
