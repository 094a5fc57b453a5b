package dev.manimgrpo.core.policy.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.openai.FaultProxy.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link OpenAiPolicyClient} against a real llama.cpp server ({@link LlamaServerFixture}), directly
 * or through a {@link FaultProxy} that misbehaves as scripted.
 */
@Tag("llama")
class OpenAiPolicyClientLlamaTest {

  private static final String KEY_ENV = "MANIM_GRPO_TEST_OPENAI_KEY";
  private static final String KEY = "sk-test-7f3a9c2e41b8d6e0";

  private static LlamaServerFixture llama;

  @BeforeAll
  static void startServer() throws Exception {
    llama = LlamaServerFixture.start();
  }

  @AfterAll
  static void stopServer() {
    if (llama != null) {
      llama.close();
    }
  }

  private static OpenAiConfig config(String baseUrl, int maxConcurrency, int maxRetries, long backoffMaxMs,
      int timeoutSeconds) {
    return new OpenAiConfig(baseUrl, "tiny", KEY_ENV, "spark.manim-grpo.openai.api-key", maxConcurrency, maxRetries,
        10, backoffMaxMs, timeoutSeconds, true, true, 0);
  }

  private static OpenAiConfig config(String baseUrl) {
    return config(baseUrl, 4, 4, 200, 10);
  }

  private static OpenAiPolicyClient client(OpenAiConfig config) {
    return new OpenAiPolicyClient(config, name -> null, () -> null);
  }

  private static GroupRequest group(int size) {
    return GroupRequest.wholeGroup("prompt-7", "Draw a blue circle that grows.", 3,
        new SamplingConfig(size, 0.9, 0.9, 0.1, 16, 11));
  }

  private static void assertComplete(List<Generation> gens, GroupRequest request) {
    assertThat(gens).extracting(Generation::rolloutIndex).containsExactlyElementsOf(request.rolloutIndices());
    for (Generation g : gens) {
      assertThat(g.error()).as("error of index %d", g.rolloutIndex()).isNull();
      assertThat(g.text()).isNotEmpty();
      assertThat(g.seed()).isEqualTo(request.seed(g.rolloutIndex()));
    }
  }

  @Test
  void aRealRequestReturnsOneChoicePerIndexWithTextFinishReasonAndLogprobs() {
    GroupRequest request = group(4);
    try (OpenAiPolicyClient client = client(config(llama.baseUrl()))) {
      assertThat(client.policyId()).isEqualTo("openai:tiny@" + llama.baseUrl());
      assertThat(client.trainerReproducible()).isFalse();
      List<Generation> gens = client.generate(request);
      assertComplete(gens, request);
      for (Generation g : gens) {
        assertThat(g.finishReason()).isIn("length", "stop");
        assertThat(g.tokenIds()).isNull();
        assertThat(g.promptTokenIds()).isNull();
        assertThat(g.logprobs()).isNotEmpty().hasSizeLessThanOrEqualTo(16);
        for (float lp : g.logprobs()) {
          assertThat(lp).isLessThanOrEqualTo(0f);
        }
        assertThat(g.seconds()).isPositive();
        // usage counts the prompt once for all choices; completions apart only with one choice.
        assertThat(g.promptTokens()).isPositive();
        assertThat(g.completionTokens()).isEqualTo(-1);
      }
    }
  }

  @Test
  void oneChoiceCarriesTheServersTokenCounts() {
    GroupRequest request = group(1);
    try (OpenAiPolicyClient client = client(config(llama.baseUrl()))) {
      Generation g = client.generate(request).get(0);
      assertThat(g.promptTokens()).isPositive();
      assertThat(g.completionTokens()).isBetween(1, 16); // max-tokens 16
    }
  }

  @Test
  void aTooManyRequestsAnswerIsRetriedAfterItsRetryAfter() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(Fault.tooManyRequests(1));
        OpenAiPolicyClient client = client(config(proxy.baseUrl(), 4, 4, 1500, 10))) {
      long t0 = System.nanoTime();
      GroupRequest request = group(2);
      assertComplete(client.generate(request), request);
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms waited").isGreaterThanOrEqualTo(1000);
      assertThat(proxy.requests()).hasSize(2);
    }
  }

  @Test
  void aServerErrorIsRetried() throws Exception {
    assertRetriedOnce(Fault.status(500, "{\"error\":\"boom\"}"), 10);
  }

  @Test
  void aTimeoutIsRetried() throws Exception {
    assertRetriedOnce(Fault.slow(2500), 1);
  }

  @Test
  void aMalformedAnswerIsRetried() throws Exception {
    assertRetriedOnce(Fault.malformed(), 10);
  }

  @Test
  void aDroppedConnectionIsRetried() throws Exception {
    assertRetriedOnce(Fault.disconnect(), 10);
  }

  private static void assertRetriedOnce(Fault fault, int timeoutSeconds) throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(fault);
        OpenAiPolicyClient client = client(config(proxy.baseUrl(), 4, 4, 200, timeoutSeconds))) {
      GroupRequest request = group(3);
      assertComplete(client.generate(request), request);
      assertThat(proxy.requests()).hasSize(2);
      assertThat(proxy.requests().get(1).body().get("n").asInt()).isEqualTo(3);
    }
  }

  @Test
  void severalFaultsWithinTheRetriesStillCompleteTheGroup() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(Fault.tooManyRequests(0),
        Fault.status(503, "busy"), Fault.malformed(), Fault.dropChoices(5));
        OpenAiPolicyClient client = client(config(proxy.baseUrl()))) {
      GroupRequest request = group(8);
      assertComplete(client.generate(request), request);
      assertThat(proxy.requests()).hasSize(5);
      assertThat(proxy.requests().get(4).body().get("n").asInt()).isEqualTo(1);
    }
  }

  @Test
  void anAnswerLargerThanTheGroupCouldNeedIsRefusedNotRead() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).always(Fault.status(200, "x".repeat(3 << 20)));
        OpenAiPolicyClient client = client(config(proxy.baseUrl()))) {
      GroupRequest request = group(2);
      List<Generation> gens = client.generate(request);
      assertThat(gens).hasSize(2).allSatisfy(g -> assertThat(g.error()).contains("answer larger than"));
      assertThat(proxy.requests()).as("not retried").hasSize(1);
    }
  }

  @Test
  void aGroupLargerThanMaxNGoesOutInChunks() throws Exception {
    OpenAiConfig base = config(llama.baseUrl());
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl());
        OpenAiPolicyClient client = client(new OpenAiConfig(proxy.baseUrl(), base.model(), base.keyEnv(),
            base.keySparkConf(), base.maxConcurrency(), base.maxRetries(), base.backoffInitialMs(), base.backoffMaxMs(),
            base.timeoutSeconds(), true, true, 2))) {
      GroupRequest request = group(5);
      assertComplete(client.generate(request), request);
      assertThat(proxy.requests()).extracting(r -> r.body().get("n").asInt()).containsExactly(2, 2, 1);
      assertThat(proxy.requests().get(1).body().get("seed").asLong()).isEqualTo(ChatCompletions.wireSeed(request.seed(2)));
    }
  }

  @Test
  void fewerChoicesThanAskedForAreRequestedAgainForTheMissingIndicesOnly() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(Fault.dropChoices(1, 3));
        OpenAiPolicyClient client = client(config(proxy.baseUrl()))) {
      GroupRequest request = group(4);
      assertComplete(client.generate(request), request);
      List<FaultProxy.Seen> seen = proxy.requests();
      assertThat(seen).hasSize(2);
      assertThat(seen.get(0).body().get("n").asInt()).isEqualTo(4);
      assertThat(seen.get(0).body().get("seed").asLong()).isEqualTo(ChatCompletions.wireSeed(request.seed(0)));
      assertThat(seen.get(1).body().get("n").asInt()).isEqualTo(2);
      assertThat(seen.get(1).body().get("seed").asLong()).isEqualTo(ChatCompletions.wireSeed(request.seed(1)));
    }
  }

  @Test
  void aPersistentServerErrorGivesEveryRequestedIndexAsAFailedGeneration() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).always(Fault.status(500, "upstream exploded"));
        OpenAiPolicyClient client = client(config(proxy.baseUrl(), 4, 2, 50, 10))) {
      GroupRequest request = new GroupRequest("p", "Draw a square.", 0, List.of(1, 4, 6), group(8).sampling());
      List<Generation> gens = client.generate(request);
      assertThat(gens).extracting(Generation::rolloutIndex).containsExactly(1, 4, 6);
      for (Generation g : gens) {
        assertThat(g.failed()).isTrue();
        assertThat(g.text()).isEmpty();
        assertThat(g.seed()).isEqualTo(request.seed(g.rolloutIndex()));
        assertThat(g.error()).isEqualTo("HTTP 500 from " + proxy.baseUrl() + "/chat/completions after 3 attempts:"
            + " upstream exploded");
      }
      assertThat(proxy.requests()).hasSize(3);
    }
  }

  @Test
  void moreFaultsThanRetriesFailTheMissingIndicesWithTheLastReason() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(Fault.dropChoices(0),
        Fault.tooManyRequests(0), Fault.tooManyRequests(0));
        OpenAiPolicyClient client = client(config(proxy.baseUrl(), 4, 2, 50, 10))) {
      GroupRequest request = group(3);
      List<Generation> gens = client.generate(request);
      assertThat(gens).extracting(Generation::failed).containsExactly(true, false, false);
      assertThat(gens.get(0).error()).startsWith("HTTP 429 from " + proxy.baseUrl() + "/chat/completions after 3 attempts");
      assertThat(proxy.requests()).hasSize(3);
    }
  }

  @Test
  void aClientErrorIsNotRetried() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).always(Fault.status(400, "{\"error\":\"bad model\"}"));
        OpenAiPolicyClient client = client(config(proxy.baseUrl()))) {
      List<Generation> gens = client.generate(group(2));
      assertThat(gens).allSatisfy(g -> assertThat(g.error())
          .isEqualTo("HTTP 400 from " + proxy.baseUrl() + "/chat/completions after 1 attempt (not retried):"
          + " {\"error\":\"bad model\"}"));
      assertThat(proxy.requests()).hasSize(1);
    }
  }

  @Test
  void requestsInFlightStayWithinTheLimitSharedByTheClientsOfOneServer() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()).passThroughDelayMs(300);
        OpenAiPolicyClient a = client(config(proxy.baseUrl(), 2, 0, 50, 10));
        OpenAiPolicyClient b = client(config(proxy.baseUrl(), 2, 0, 50, 10))) {
      ExecutorService threads = Executors.newFixedThreadPool(8);
      try {
        List<Future<List<Generation>>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          OpenAiPolicyClient c = t % 2 == 0 ? a : b;
          GroupRequest request = new GroupRequest("p" + t, "Draw a triangle.", 0, List.of(t), group(8).sampling());
          results.add(threads.submit(() -> c.generate(request)));
        }
        for (Future<List<Generation>> f : results) {
          assertThat(f.get()).allSatisfy(g -> assertThat(g.error()).isNull());
        }
      } finally {
        threads.shutdownNow();
      }
      assertThat(proxy.requests()).hasSize(8);
      assertThat(proxy.maxInFlight()).isEqualTo(2);
    }
  }

  @Test
  void theKeyIsSentAsABearerTokenAndNeverAppearsInErrorsLogsOrToString() throws Exception {
    String keyStart = KEY.substring(0, 5);
    try (LogCapture logs = new LogCapture();
        FaultProxy proxy = FaultProxy.start(llama.baseUrl()).script(Fault.echoAuthorization(500, 10),
            Fault.echoAuthorization(401, 10), Fault.echoAuthorization(401, 135));
        OpenAiPolicyClient client = new OpenAiPolicyClient(config(proxy.baseUrl()), Map.of(KEY_ENV, KEY)::get,
            () -> "not-this-one")) {
      List<Generation> first = client.generate(group(2));
      assertThat(proxy.requests()).hasSize(2);
      for (Generation g : first) {
        assertThat(g.error()).startsWith("HTTP 401 from " + proxy.baseUrl() + "/chat/completions after 2 attempts"
            + " (not retried):").contains("Authorization: Bearer [redacted]").doesNotContain(keyStart);
        assertThat(g.toString()).doesNotContain(keyStart);
      }
      // The key would straddle the 200 characters kept of the body: redacted before the cut, no part of it is kept.
      List<Generation> second = client.generate(group(1));
      assertThat(second.get(0).error()).contains("Authorization: Bearer [reda").doesNotContain(keyStart);

      assertThat(proxy.requests()).hasSize(3).extracting(FaultProxy.Seen::authorization).containsOnly("Bearer " + KEY);
      assertThat(logs.lines()).anyMatch(l -> l.contains("HTTP 500") && l.contains("attempt 1/5"));
      assertThat(logs.lines()).anyMatch(l -> l.startsWith("WARN") && l.contains("Bearer [redacted]"));
      assertThat(logs.lines()).noneMatch(l -> l.contains(keyStart));
      assertThat(client.toString()).doesNotContain(keyStart).contains("key set");
    }
  }

  @Test
  void theCallersKeyIsUsedWhenTheEnvironmentHasNone() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl());
        OpenAiPolicyClient client = new OpenAiPolicyClient(config(proxy.baseUrl()), name -> "  ", () -> KEY)) {
      assertThat(client.generate(group(1))).allSatisfy(g -> assertThat(g.error()).isNull());
      assertThat(proxy.requests().get(0).authorization()).isEqualTo("Bearer " + KEY);
    }
  }

  @Test
  void withoutAKeyNoAuthorizationHeaderIsSent() throws Exception {
    try (FaultProxy proxy = FaultProxy.start(llama.baseUrl()); OpenAiPolicyClient client = client(config(proxy.baseUrl()))) {
      assertThat(client.hasKey()).isFalse();
      assertThat(client.generate(group(1))).allSatisfy(g -> assertThat(g.error()).isNull());
      assertThat(proxy.requests().get(0).authorization()).isNull();
    }
  }
}
