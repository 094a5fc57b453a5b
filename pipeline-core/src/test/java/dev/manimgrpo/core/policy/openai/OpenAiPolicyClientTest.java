package dev.manimgrpo.core.policy.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What needs no server: configuration, backoff, Retry-After, redaction, and an unreachable server. */
class OpenAiPolicyClientTest {

  private static final String KEY = "sk-unit-0123456789abcdef";

  private static OpenAiConfig config(String baseUrl, int maxRetries, long initialMs, long maxMs) {
    return new OpenAiConfig(baseUrl, "m", "K", "spark.k", 4, maxRetries, initialMs, maxMs, 5, true, true, 0);
  }

  private static OpenAiPolicyClient client(OpenAiConfig config) {
    return new OpenAiPolicyClient(config, Map.of("K", KEY)::get, () -> null);
  }

  @Test
  void anEmptyBaseUrlOrOneWithUserInfoIsRefusedWithTheFix() {
    assertThatThrownBy(() -> client(config("", 1, 1, 2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("policy.openai.base-url is empty").hasMessageContaining("--conf policy.openai.base-url=");
    assertThatThrownBy(() -> client(config("http://user:" + KEY + "@127.0.0.1:1/v1", 1, 1, 2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key-env").hasMessageNotContaining(KEY);
  }

  @Test
  void aKeyThatCannotBeAHeaderValueIsRefusedWithoutShowingIt() {
    OpenAiConfig c = config("http://127.0.0.1:9/v1", 1, 1, 2);
    assertThatThrownBy(() -> new OpenAiPolicyClient(c, Map.of("K", "sk-abc\ndef")::get, () -> null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment variable K")
        .hasMessageNotContaining("sk-abc");
    assertThatThrownBy(() -> new OpenAiPolicyClient(c, k -> null, () -> "sk-\u00e9t\u00e9"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Spark conf key spark.k")
        .hasMessageNotContaining("sk-");
  }

  @Test
  void thePolicyIdNamesTheModelAndServer() {
    assertThat(client(config("http://127.0.0.1:9/v1/", 1, 1, 2)).policyId()).isEqualTo("openai:m@http://127.0.0.1:9/v1");
    OpenAiConfig noModel = new OpenAiConfig("https://example.invalid/v1", "", "", "", 1, 0, 1, 1, 1, false, false, 0);
    assertThat(new OpenAiPolicyClient(noModel, k -> null, () -> null).policyId())
        .isEqualTo("openai:default@https://example.invalid/v1");
  }

  @Test
  void theBackoffDoublesUpToTheCapWithJitterAndHonoursRetryAfterUpToTheCap() {
    OpenAiPolicyClient c = client(config("http://127.0.0.1:9/v1", 8, 100, 1000));
    for (int i = 0; i < 50; i++) {
      assertThat(c.backoffMs(1, null)).isBetween(50L, 100L);
      assertThat(c.backoffMs(3, null)).isBetween(200L, 400L);
      assertThat(c.backoffMs(8, null)).isBetween(500L, 1000L);
      assertThat(c.backoffMs(1, 700L)).isEqualTo(700L);
      assertThat(c.backoffMs(1, 60_000L)).isEqualTo(1000L);
    }
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    assertThat(OpenAiPolicyClient.parseRetryAfter("3")).isEqualTo(3000L);
    assertThat(OpenAiPolicyClient.parseRetryAfter(" -2 ")).isEqualTo(0L);
    assertThat(OpenAiPolicyClient.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(0L);
    assertThat(OpenAiPolicyClient.parseRetryAfter("soon")).isNull();
  }

  @Test
  void serverTextIsRedactedBeforeItIsCut() {
    OpenAiPolicyClient c = client(config("http://127.0.0.1:9/v1", 1, 1, 2));
    String straddling = "x".repeat(OpenAiPolicyClient.BODY_CHARS - 6) + "Bearer " + KEY + " tail";
    assertThat(c.serverText(straddling)).doesNotContain(KEY.substring(0, 3)).endsWith("...");
    assertThat(c.serverText("{\"auth\": \"Bearer " + KEY + "\"}")).isEqualTo("{\"auth\": \"Bearer [redacted]\"}");
    assertThat(c.toString()).doesNotContain(KEY).contains("key set");
    assertThat(ApiKey.resolve(config("http://h/v1", 1, 1, 2), Map.of("K", KEY)::get, () -> null).orElseThrow()
        .toString()).doesNotContain(KEY);
  }

  @Test
  void anUnreachableServerGivesFailedGenerationsNamingTheConnectionError() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    OpenAiPolicyClient c = client(config("http://127.0.0.1:" + port + "/v1", 1, 1, 2));
    GroupRequest request = GroupRequest.wholeGroup("p", "Draw.", 0, new SamplingConfig(2, 0.9, 0.9, 0.1, 8, 1));
    List<Generation> gens = c.generate(request);
    assertThat(gens).extracting(Generation::rolloutIndex).containsExactly(0, 1);
    assertThat(gens).allSatisfy(g -> assertThat(g.error())
        .startsWith("connection error from http://127.0.0.1:" + port + "/v1/chat/completions after 2 attempts: "));
  }

  @Test
  void thePackageHasNoSparkImport() throws IOException {
    Path dir = Path.of("src/main/java/dev/manimgrpo/core/policy/openai");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("import org.apache.spark");
      }
    }
  }
}
