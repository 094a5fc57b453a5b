package dev.manimgrpo.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.policy.tokenizer.BpeTokenizer;
import dev.manimgrpo.policy.tokenizer.BpeTrainer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading policies: a checkpoint, a run directory's newest, the bundled starter; and sampling from it. */
class PolicyLoaderTest {

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limitOpThreads(1);
  }

  static Policy tiny() {
    BpeTokenizer tok = new BpeTrainer(280).train(List.of("from manim import *\nclass A(Scene):\n    pass\n"));
    return new Policy(ModelParameters.initialise(new ModelConfig(tok.vocabSize(), 1, 2, 8, 64, 0.0), 3), tok, 0, "t");
  }

  static void save(CheckpointStore store, Path run, Policy p, int step) throws Exception {
    store.save(run.toUri(), new Checkpoint(step, Instant.now(), new DataDescription("test", "train", 1), Map.of(),
        Policy.configJson(p.config()), p.tokenizerBytes(), p.weights(), new LinkedHashMap<>(),
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()));
  }

  @Test
  void aRunDirectoryGivesItsNewestCheckpointAndACheckpointItself() throws Exception {
    CheckpointStore store = new CheckpointStore(new Configuration());
    Policy p = tiny();
    Path run = dir.resolve("run");
    save(store, run, p, 3);
    save(store, run, p, 7);
    PolicyLoader loader = new PolicyLoader(new Configuration());
    Policy newest = loader.load(run.toString());
    assertThat(newest.step()).isEqualTo(7);
    assertThat(newest.source()).endsWith("step-000007");
    assertThat(newest.params().get("tok_emb")).isEqualTo(p.params().get("tok_emb"));
    assertThat(loader.load(run.resolve("step-000003").toString()).step()).isEqualTo(3);
    assertThatThrownBy(() -> loader.load(dir.resolve("nothing").toString()))
        .hasMessageContaining("no checkpoint at").hasMessageContaining("name bundled-own");
  }

  @Test
  void theBundledStartersHaveNamesAndTheOwnLoaderRefusesTheHuggingFaceOne() throws Exception {
    PolicyLoader loader = new PolicyLoader(new Configuration());
    assertThat(loader.load(PolicyLoader.BUNDLED_OWN).source()).startsWith("bundled:");
    assertThat(PolicyLoader.modelFolder(PolicyLoader.BUNDLED_OWN, new Configuration()).exists(CheckpointStore.MANIFEST))
        .as("bundled-own names the own starter's checkpoint folder").isTrue();
    assertThatThrownBy(() -> loader.load(PolicyLoader.BUNDLED_HF)).hasMessageContaining("is a Hugging Face model")
        .hasMessageContaining("bundled-own");
    try (HfPolicyClient hf = PolicyLoader.hfClient(PolicyLoader.BUNDLED_HF, new Configuration())) {
      assertThat(hf.policyId()).as("named by its digest, not this host's cache folder")
          .matches("hf:bundled-hf:[0-9a-f]{16} \\(.*\\)");
    }
  }

  @Test
  void theStarterPolicyIsBundledAndWritesCode() throws Exception {
    assertThat(PolicyLoader.starterBundled()).as("the trainer jar ships a starter policy").isTrue();
    Policy starter = new PolicyLoader(new Configuration()).starter();
    assertThat(starter.source()).startsWith("bundled:");
    assertThat(starter.step()).isGreaterThan(0);
    var sampling = PipelineConfig.defaults().policy().sampling();
    List<PolicySampler.Generation> g = PolicySampler.of(starter, PipelineConfig.defaults()).generate(List.of("Show a blue circle."), 1,
        PolicySampler.params(sampling, 1).withSeed(1)).get(0);
    assertThat(g.get(0).completion().length()).isPositive();
    assertThat(g.get(0).text()).isNotBlank();
  }
}
