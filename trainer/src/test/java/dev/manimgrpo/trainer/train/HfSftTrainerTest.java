package dev.manimgrpo.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import dev.manimgrpo.policy.hf.export.HfTensors;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterReader;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.trainer.data.SftDataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SFT of a Hugging Face model (a tiny random Qwen2 with a byte-level tokenizer) end to end: LoRA and
 * full training lower the loss, checkpoints are PEFT adapter and Hugging Face model folders that the
 * rollout policy loads, a crashed run resumes exactly, and the base folder is never written.
 */
class HfSftTrainerTest {

  @TempDir static Path shared;
  @TempDir Path dir;
  private static Path base;

  @BeforeAll
  static void tinyModel() throws Exception {
    NativeThreads.limitOpThreads(1);
    base = SyntheticCheckpoint.write(shared.resolve("base"),
        SyntheticCheckpoint.qwen2Config(32, 2, 2, 1, 64, 258, 2048), 7, 0.2);
  }

  private static TrainerConfig config(String method, int steps) {
    Map<String, String> o = new HashMap<>();
    o.put("trainer.hf.base-model", base.toString());
    o.put("trainer.hf.method", method);
    o.put("trainer.hf.lora.rank", "4");
    o.put("trainer.hf.lora.alpha", "8");
    o.put("trainer.hf.max-length", "1200");
    o.put("trainer.optimizer.learning-rate", "0.05");
    o.put("trainer.sft.steps", String.valueOf(steps));
    return TinyTraining.config(o);
  }

  private static HfSftTrainer trainer(TrainerConfig c, ByteArrayOutputStream console) {
    return new HfSftTrainer(c, new Configuration(), new PrintStream(console, true, StandardCharsets.UTF_8), false);
  }

  @Test
  void loraLowersTheLossAndItsCheckpointsArePeftAdaptersTheRolloutPolicyLoadsAndResumesExactly() throws Exception {
    byte[] baseWeights = Files.readAllBytes(base.resolve("model.safetensors"));
    SftDataset data = TinyTraining.shortest(3);
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    HfSftTrainer.Result straight = trainer(config("lora", 12), console).train(data, TinyTraining.shortest(1),
        dir.resolve("a").toUri());
    String out = console.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    assertThat(straight.lastLoss()).isLessThan(straight.firstLoss() - 0.3);
    assertThat(straight.heldOutLoss()).isFinite();
    assertThat(out).contains("sft summary").contains("LoRA r 4").contains("prompt manim-code-v1");
    assertThat(Files.readAllLines(dir.resolve("a").resolve(MetricsLog.FILE))).hasSize(12);

    Path last = Path.of(straight.checkpoint());
    assertThat(last.getFileName().toString()).isEqualTo(CheckpointStore.dirName(12));
    assertThat(last.resolve("adapter_config.json")).exists();
    assertThat(last.resolve("tokenizer.json")).exists();
    LoraAdapter adapter = PeftAdapterReader.read(ModelFolder.local(last));
    assertThat(adapter.baseModel()).isEqualTo(base.toAbsolutePath().normalize().toString());
    assertThat(adapter.modules()).hasSize(2 * 7);
    assertThat(adapter.modules().get(0).b().amaxNumber().doubleValue()).as("B trained away from 0").isGreaterThan(0);
    assertThat(Files.readAllBytes(base.resolve("model.safetensors"))).as("the base folder is untouched")
        .isEqualTo(baseWeights);

    // The rollout policy loads the adapter folder: the base with the adapter merged.
    HfPolicyClient policy = HfPolicyClient.load(ModelFolder.local(last));
    assertThat(policy.policyId()).contains(last.toString()).contains("prompt manim-code-v1");
    HfCausalLm merged = HfCausalLm.of(adapter.merge(HfCausalLm.load(base).weights()));
    Generation g = policy.generate(GroupRequest.wholeGroup("p1", "Draw a circle.", 0,
        new SamplingConfig(1, 1.0, 1.0, 0.0, 6, 3))).get(0);
    assertThat(g.error()).isNull();
    assertThat(g.tokenIds()).isNotEmpty();
    assertThat(maxLogprobDiff(merged, g)).as("sampled from the base with the adapter merged").isLessThan(1e-3);
    assertThat(maxLogprobDiff(HfCausalLm.load(base), g)).as("not from the base alone").isGreaterThan(1e-2);

    // The same run crashed before its step-12 checkpoint completed: the rerun resumes from step 10.
    Path b = dir.resolve("b");
    trainer(config("lora", 12), new ByteArrayOutputStream()).train(data, null, b.toUri());
    deleteTree(b.resolve(CheckpointStore.dirName(12)));
    HfSftTrainer.Result resumed = trainer(config("lora", 12), new ByteArrayOutputStream()).train(data, null, b.toUri());
    assertThat(resumed.resumedFrom()).isEqualTo(10);
    LoraAdapter again = PeftAdapterReader.read(ModelFolder.local(Path.of(resumed.checkpoint())));
    for (int i = 0; i < adapter.modules().size(); i++) {
      assertThat(again.modules().get(i).a()).isEqualTo(adapter.modules().get(i).a());
      assertThat(again.modules().get(i).b()).isEqualTo(adapter.modules().get(i).b());
    }
  }

  @Test
  void fullTrainingWritesHuggingFaceModelFoldersAndRefusesAnotherBaseOnResume() throws Exception {
    SftDataset data = TinyTraining.shortest(2);
    HfSftTrainer.Result r = trainer(config("full", 4), new ByteArrayOutputStream()).train(data, null,
        dir.resolve("full").toUri());
    assertThat(r.lastLoss()).isLessThan(r.firstLoss());
    Path last = Path.of(r.checkpoint());
    assertThat(last.resolve("config.json")).exists();
    assertThat(last.resolve("model.safetensors")).exists();
    HfCausalLm trained = HfCausalLm.load(last);
    HfCausalLm original = HfCausalLm.load(base);
    Map<String, INDArray> before = HfTensors.of(original.weights());
    long changed = HfTensors.of(trained.weights()).entrySet().stream()
        .filter(e -> !e.getValue().equals(before.get(e.getKey()))).count();
    assertThat(changed).as("every weight trains").isEqualTo(before.size());
    assertThat(HfPolicyClient.isHfModel(ModelFolder.local(last))).isTrue();

    Path other = SyntheticCheckpoint.write(dir.resolve("other"), SyntheticCheckpoint.qwen2Config(32, 2, 2, 1, 64, 258,
        2048), 8, 0.02);
    TrainerConfig more = config("full", 6).withHfBaseModel(other.toString());
    assertThatThrownBy(() -> trainer(more, new ByteArrayOutputStream()).train(data, null, dir.resolve("full").toUri()))
        .hasMessageContaining("resume it without --base-model");
  }

  /** Largest |sampler log-prob - the model's log-softmax| over a generation's tokens. */
  private static double maxLogprobDiff(HfCausalLm lm, Generation g) {
    double[] expected = lm.continuationLogProbs(g.promptTokenIds(), g.tokenIds());
    double worst = 0;
    for (int j = 0; j < expected.length; j++) {
      worst = Math.max(worst, Math.abs(expected[j] - g.logprobs()[j]));
    }
    return worst;
  }


  private static void deleteTree(Path p) throws Exception {
    try (var s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
