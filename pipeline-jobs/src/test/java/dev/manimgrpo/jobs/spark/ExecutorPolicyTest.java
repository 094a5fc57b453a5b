package dev.manimgrpo.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.ConfigLoader;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.policy.LlamaCppPolicyClient;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which client an executor makes for policy.backend llama-cpp, without a server: the checkpoint's tokenizer, trainable rows. */
class ExecutorPolicyTest {

  @TempDir Path dir;

  @AfterEach
  void clear() {
    ExecutorPolicy.clear();
  }

  @Test
  void theLlamaCppBackendTakesTheCheckpointsPromptFormatAndMarksItsRowsTrainable() throws Exception {
    Path model = SyntheticCheckpoint.write(dir.resolve("tiny"), SyntheticCheckpoint.qwen2Config(16, 1, 2, 1, 32, 258,
        512), 1, 0.2);
    PipelineConfig config = ConfigLoader.load(null, Map.of("policy.backend", "llama-cpp", "policy.checkpoint",
        model.toString(), "policy.openai.base-url", "http://127.0.0.1:9/v1"));
    PolicyClient client = ExecutorPolicy.get(config);
    assertThat(client).isInstanceOf(LlamaCppPolicyClient.class);
    assertThat(client.policyId()).startsWith("llama-cpp:http://127.0.0.1:9 (").contains("tiny")
        .contains("prompt manim-code-v1");
    assertThat(client.trainerReproducible()).isTrue();
    assertThat(ConfigLoader.load(null, Map.of("policy.backend", "llama-cpp", "policy.openai.base-url",
        "http://127.0.0.1:9")).policy().checkpoint()).as("the default starter is served").isEqualTo("bundled-hf");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.backend", "llama-cpp", "policy.checkpoint",
        "bundled-own", "policy.openai.base-url", "http://127.0.0.1:9")))
        .hasMessageContaining("policy.checkpoint to the Hugging Face folder");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("policy.backend", "llama-cpp")))
        .hasMessageContaining("set policy.openai.base-url to the llama-server address");
  }
}
