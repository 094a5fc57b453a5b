package dev.manimgrpo.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PolicyConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfTokenizerWriter;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.model.NativeThreads;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bundled Hugging Face starter: named by {@code bundled-hf}, unpacked once into the user's
 * cache, a Qwen2 model with the project's learned tokenizer that samples in-process and has learned
 * its training programs.
 */
class BundledHfStarterTest {

  @BeforeAll
  static void oneThread() {
    NativeThreads.limitOpThreads(1);
  }

  @Test
  void theNameResolvesToOneUnpackedHuggingFaceFolder() throws Exception {
    URI first = PolicyLoader.toUri(PolicyConfig.BUNDLED_HF);
    URI again = PolicyLoader.toUri(PolicyConfig.BUNDLED_HF);
    assertThat(again).isEqualTo(first);
    Path folder = Path.of(first);
    for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
      assertThat(folder.resolve(f)).as(f).isRegularFile();
    }
    assertThat(HfPolicyClient.isHfModel(ModelFolder.local(folder))).isTrue();
    HfModelConfig c = HfModelConfig.read(ModelFolder.local(folder));
    assertThat(c.architecture().className()).isEqualTo("Qwen2ForCausalLM");
    assertThat(Files.readString(folder.resolve("tokenizer.json"))).contains(HfTokenizerWriter.QWEN2_SPLIT
        .replace("\\", "\\\\"));
  }

  @Test
  void anAdapterTrainedOverTheStarterOnAnotherHostFindsThisHostsCopy(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path here = PolicyLoader.hfStarter();
    ModelFolder adapter = ModelFolder.local(dir);
    String elsewhere = "/home/spark/.cache/manim-grpo/starter-hf/" + here.getFileName();
    assertThat(PolicyLoader.adapterBase(adapter, elsewhere).location()).isEqualTo(here.toString());
    assertThat(PolicyLoader.adapterBase(adapter, PolicyConfig.BUNDLED_HF).location()).isEqualTo(here.toString());
    // Another build's starter is another model: it stays what the adapter names (and fails to load there).
    String otherBuild = "/home/spark/.cache/manim-grpo/starter-hf/0123456789abcdef";
    assertThat(PolicyLoader.adapterBase(adapter, otherBuild).location()).isEqualTo(otherBuild);
    // A base that exists is taken as named.
    assertThat(PolicyLoader.adapterBase(adapter, here.toString()).location()).isEqualTo(here.toString());
  }

  @Test
  void itSamplesInProcessAndGreedilyWritesATrainingProgram() throws Exception {
    ManimBenchSample train = BundledSampleSet.load().stream()
        .filter(s -> s.split() == ManimBenchSample.Split.train).findFirst().orElseThrow();
    try (HfPolicyClient client = HfPolicyClient.load(ModelFolder.local(PolicyLoader.hfStarter()))) {
      assertThat(client.trainerReproducible()).isTrue();
      assertThat(client.policyId()).contains("prompt " + PromptTemplate.VERSION);
      List<Generation> greedy = client.generate(GroupRequest.wholeGroup(train.sampleId(),
          train.reviewedDescription(), 0, new SamplingConfig(1, 0.0, 1.0, 0.0, 768, 1L)));
      String code = client.extractCode(greedy.get(0).text()).code();
      assertThat(code).as("the starter reproduces what it was trained on")
          .isEqualTo(PromptTemplate.normalizeCode(train.code()));
      List<Generation> sampled = client.generate(GroupRequest.wholeGroup(train.sampleId(),
          train.reviewedDescription(), 0, new SamplingConfig(2, 0.9, 0.9, 0.1, 64, 7L)));
      assertThat(sampled).hasSize(2).allSatisfy(g -> {
        assertThat(g.error()).isNull();
        assertThat(g.logprobs()).hasSize(g.tokenIds().length);
      });
    }
  }
}
