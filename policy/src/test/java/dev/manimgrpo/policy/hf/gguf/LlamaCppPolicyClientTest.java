package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.policy.LlamaCppPolicyClient;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfOracle;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import dev.manimgrpo.policy.model.NativeThreads;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The llama-cpp backend against a real llama-server serving the F32 GGUF export of the oracle's tiny
 * Qwen2: prompts go as the checkpoint's ids, every rollout comes back with its ids, and the log-probs
 * the server gives are the Java model's (so the trainer can train the rows); a server that is gone
 * gives failed rollouts with the reason, not a lost group.
 */
@Tag("hf")
@Tag("llama")
class LlamaCppPolicyClientTest {

  @TempDir Path dir;

  @Test
  void rolloutsCarryTheCheckpointsIdsAndItsOwnLogprobs() throws Exception {
    NativeThreads.limitOpThreads(1);
    // The oracle's Qwen2 with room for the chat prompt (its weights and tokenizer; 512 positions, not 128).
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("qwen2"));
    try (var files = java.nio.file.Files.list(HfOracle.tinyModels().resolve("qwen2"))) {
      for (Path f : files.toList()) {
        java.nio.file.Files.copy(f, folder.resolve(f.getFileName()));
      }
    }
    java.nio.file.Files.writeString(folder.resolve("config.json"), java.nio.file.Files.readString(
        folder.resolve("config.json")).replace("\"max_position_embeddings\": 128", "\"max_position_embeddings\": 512"));
    assertThat(java.nio.file.Files.readString(folder.resolve("config.json"))).contains("\"max_position_embeddings\": 512");
    Path gguf = dir.resolve("qwen2.gguf");
    GgufExport.export(ModelFolder.local(folder), gguf, TensorType.F32);
    HfCausalLm lm = HfCausalLm.load(folder);
    HfPromptFormat format = HfPromptFormat.load(ModelFolder.local(folder));
    try (LlamaServerFixture server = LlamaServerFixture.serve(gguf, GgufExportLlamaServerTest.FLOAT32_ATTENTION)) {
      OpenAiConfig config = new OpenAiConfig(server.serverUrl(), "", "", "", 2, 1, 50, 200, 60, true, true, 0);
      LlamaCppPolicyClient client = new LlamaCppPolicyClient(format, config, folder.toString());
      assertThat(client.trainerReproducible()).isTrue();
      assertThat(client.policyId()).startsWith("llama-cpp:" + server.serverUrl()).contains(format.describe());
      List<Generation> group = client.generate(GroupRequest.wholeGroup("p1", "Draw a blue circle.", 0,
          new SamplingConfig(4, 1.0, 1.0, 0.0, 12, 7)));
      assertThat(group).hasSize(4);
      int compared = 0;
      double worst = 0;
      for (Generation g : group) {
        assertThat(g.error()).as("rollout " + g.rolloutIndex()).isNull();
        assertThat(g.promptTokenIds()).containsExactly(format.promptIds("Draw a blue circle."));
        assertThat(g.tokenIds()).isNotEmpty().hasSizeLessThanOrEqualTo(12);
        if (g.logprobs() != null) {
          worst = Math.max(worst, maxLogprobDiff(lm, g));
          compared++;
        }
      }
      System.out.printf("llama-cpp backend: %d of %d rollouts with log-probs (NaN where the server gave none);"
          + " max |server - Java| %.3g%n", compared, group.size(), worst);
      assertThat(compared).as("rollouts with the server's log-probs").isPositive();
      assertThat(worst).isLessThan(1e-3);
      // The same seeds give the same rollouts.
      List<Generation> again = client.generate(GroupRequest.wholeGroup("p1", "Draw a blue circle.", 0,
          new SamplingConfig(4, 1.0, 1.0, 0.0, 12, 7)));
      for (int i = 0; i < group.size(); i++) {
        assertThat(again.get(i).tokenIds()).containsExactly(group.get(i).tokenIds());
      }
    }
    // The server is gone: every rollout fails with the reason, after its retries.
    OpenAiConfig gone = new OpenAiConfig("http://127.0.0.1:9", "", "", "", 1, 1, 10, 20, 5, true, true, 0);
    List<Generation> failed = new LlamaCppPolicyClient(format, gone, folder.toString()).generate(
        GroupRequest.wholeGroup("p1", "x", 0, new SamplingConfig(2, 1.0, 1.0, 0.0, 4, 1)));
    assertThat(failed).hasSize(2).allSatisfy(g -> assertThat(g.error()).contains("127.0.0.1:9/completion")
        .contains("2 attempts"));
  }

  private static double maxLogprobDiff(HfCausalLm lm, Generation g) {
    double[] expected = lm.continuationLogProbs(g.promptTokenIds(), g.tokenIds());
    double worst = 0;
    for (int j = 0; j < expected.length; j++) {
      if (!Float.isNaN(g.logprobs()[j])) {
        worst = Math.max(worst, Math.abs(expected[j] - g.logprobs()[j]));
      }
    }
    return worst;
  }

}
