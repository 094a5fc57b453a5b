package dev.manimgrpo.policy.hf.gguf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PolicyConfig.OpenAiConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.openai.LlamaServerFixture;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.policy.LlamaCppPolicyClient;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.core.policy.openai.FaultProxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The served path on a fresh machine: the bundled Hugging Face starter exported to GGUF and served
 * by a real llama-server writes, greedily, the tokens the Java model writes, with the Java model's
 * log-probs, so its rollouts train. No transformers root is needed: only the llama.cpp root.
 */
@Tag("llama")
class BundledHfStarterServedTest {

  @TempDir static Path dir;
  static Path folder;
  static LlamaServerFixture server;

  @BeforeAll
  static void serve() throws Exception {
    NativeThreads.limitOpThreads(1);
    folder = PolicyLoader.hfStarter();
    Path gguf = dir.resolve("starter.gguf");
    GgufExport.export(ModelFolder.local(folder), gguf, TensorType.F32);
    server = LlamaServerFixture.serve(gguf, GgufExportLlamaServerTest.FLOAT32_ATTENTION);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static OpenAiConfig config(String baseUrl, int maxConcurrency) {
    return new OpenAiConfig(baseUrl, "", "", "", maxConcurrency, 1, 50, 200, 60, true, true, 0);
  }

  @Test
  void llamaServerServingTheStarterWritesTheJavaModelsGreedyTokensWithItsLogprobs() throws Exception {
    ManimBenchSample train = BundledSampleSet.load().stream()
        .filter(s -> s.split() == ManimBenchSample.Split.train).findFirst().orElseThrow();
    SamplingConfig greedy = new SamplingConfig(1, 0.0, 1.0, 0.0, 400, 3);
    GroupRequest request = GroupRequest.wholeGroup(train.sampleId(), train.reviewedDescription(), 0, greedy);
    Generation java;
    try (HfPolicyClient inProcess = HfPolicyClient.load(ModelFolder.local(folder))) {
      java = inProcess.generate(request).get(0);
    }
    HfCausalLm lm = HfCausalLm.load(folder);
    try (LlamaCppPolicyClient served = new LlamaCppPolicyClient(HfPromptFormat.load(ModelFolder.local(folder)),
        config(server.serverUrl(), 2), folder.toString())) {
      Generation g = served.generate(request).get(0);
      assertThat(g.error()).isNull();
      assertThat(g.promptTokenIds()).containsExactly(java.promptTokenIds());
      assertThat(g.tokenIds()).as("greedy tokens, served and in-process").containsExactly(java.tokenIds());
      assertThat(g.finishReason()).as("the starter ends its program with the template's fence").isEqualTo("stop");
      double[] expected = lm.continuationLogProbs(g.promptTokenIds(), g.tokenIds());
      double worst = 0;
      int missing = 0;
      for (int j = 0; j < expected.length; j++) {
        if (Float.isNaN(g.logprobs()[j])) {
          missing++;
        } else {
          worst = Math.max(worst, Math.abs(expected[j] - g.logprobs()[j]));
        }
      }
      System.out.printf("bundled-hf served by llama-server: %d greedy tokens equal; max |server - Java| log-prob %.3g;"
          + " %d tokens (the stop string's) without one%n", g.tokenIds().length, worst, missing);
      // The server reports none for the tokens of the stop string ("\n```"), and only for those.
      assertThat(missing).isBetween(1, 3);
      for (int j = 0; j < expected.length - missing; j++) {
        assertThat(g.logprobs()[j]).as("token " + j).isNotNaN();
      }
      assertThat(worst).isLessThan(1e-3);
    }
  }

  @Test
  void requestsInFlightStayWithinTheLimitSharedByTheClientsOfOneServer() throws Exception {
    HfPromptFormat format = HfPromptFormat.load(ModelFolder.local(folder));
    try (FaultProxy proxy = FaultProxy.start(server.serverUrl()).passThroughDelayMs(200)) {
      // Two clients of one server (two tasks of an executor), each allowed 2: 2 in flight in all.
      LlamaCppPolicyClient a = new LlamaCppPolicyClient(format, config(proxy.baseUrl(), 2), "a");
      LlamaCppPolicyClient b = new LlamaCppPolicyClient(format, config(proxy.baseUrl(), 2), "b");
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<Generation>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          LlamaCppPolicyClient c = t % 2 == 0 ? a : b;
          GroupRequest request = GroupRequest.wholeGroup("p" + t, "Draw a triangle.", 0,
              new SamplingConfig(2, 1.0, 1.0, 0.0, 4, t));
          results.add(threads.submit(() -> c.generate(request)));
        }
        for (Future<List<Generation>> f : results) {
          assertThat(f.get()).hasSize(2).allSatisfy(g -> assertThat(g.error()).isNull());
        }
      } finally {
        threads.shutdownNow();
        a.close();
        b.close();
      }
      assertThat(proxy.requests()).hasSize(8);
      assertThat(proxy.maxInFlight()).isEqualTo(2);
    }
  }
}
