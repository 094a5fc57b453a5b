package dev.manimgrpo.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.policy.HfPolicyClient;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterReader;
import dev.manimgrpo.policy.model.NativeThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GRPO of a Hugging Face model (a tiny random Qwen2) on rows its own rollout policy sampled: the
 * trainer's log-probs agree with the sampler's (drift near 0), the advantage moves the adapter, the
 * KL reference is the base without the adapter, and a shard sampled from another model is refused.
 */
class HfGrpoTrainerTest {

  @TempDir static Path shared;
  @TempDir Path dir;
  private static Path base;
  private static Path other;

  @BeforeAll
  static void tinyModels() throws Exception {
    NativeThreads.limitOpThreads(1);
    String config = SyntheticCheckpoint.qwen2Config(32, 2, 2, 1, 64, 258, 2048);
    base = SyntheticCheckpoint.write(shared.resolve("base"), config, 7, 0.2);
    other = SyntheticCheckpoint.write(shared.resolve("other"), config, 8, 0.2);
  }

  /** Two groups of three completions sampled by {@code sampler}, rewards 0, 0.5, 1 by rollout index (advantages -1, 0, 1). */
  private static List<RolloutRow> sampledRows(Path sampler) throws Exception {
    HfPolicyClient policy = HfPolicyClient.load(ModelFolder.local(sampler));
    List<RolloutRow> rows = new ArrayList<>();
    String[] prompts = {"Draw a circle.", "Write the word hi."};
    for (int p = 0; p < prompts.length; p++) {
      List<Generation> gens = policy.generate(GroupRequest.wholeGroup("p" + p, prompts[p], 0,
          new SamplingConfig(3, 1.0, 1.0, 0.0, 12, 5)));
      for (Generation g : gens) {
        double reward = g.rolloutIndex() / 2.0;
        rows.add(new RolloutRow("run", 0, "p" + p, "g" + p, g.rolloutIndex(), g.promptTokenIds(), g.tokenIds(),
            g.logprobs(), g.text(), "syntax_error", null, 0.0, 0.0, null, reward, g.rolloutIndex() - 1.0,
            false, sampler.toString()));
      }
    }
    return rows;
  }

  private static TrainerConfig config(Map<String, String> extra) {
    Map<String, String> o = new HashMap<>();
    o.put("trainer.hf.lora.rank", "4");
    o.put("trainer.hf.lora.alpha", "8");
    o.put("trainer.grpo.groups-per-step", "1");
    o.put("trainer.grpo.iterations", "2");
    o.put("trainer.grpo.learning-rate", "0.01");
    o.put("trainer.grpo.kl-beta", "0.05");
    o.putAll(extra);
    return TinyTraining.config(o);
  }

  @Test
  void ownRolloutsTrainTheAdapterWithNoDriftAndTheBaseAsTheKlReference() throws Exception {
    List<RolloutRow> rows = sampledRows(base);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HfGrpoTrainer.Result r = new HfGrpoTrainer(config(Map.of()), new Configuration(),
        new PrintStream(out, true, StandardCharsets.UTF_8), false).train(base.toString(), null, rows, "memory",
        dir.resolve("run").toUri());
    String console = out.toString(StandardCharsets.UTF_8);
    System.out.println(console);
    assertThat(r.groups()).isEqualTo(2);
    assertThat(r.steps()).isEqualTo(4);
    assertThat(r.drift()).as("the sampler and the trainer compute the same model").isLessThan(1e-4);
    assertThat(console).contains("log-prob drift from the sampler mean")
        .contains("KL reference").contains("the base without the adapter");
    List<String> metrics = Files.readAllLines(dir.resolve("run").resolve(MetricsLog.FILE));
    assertThat(metrics).hasSize(4);
    assertThat(metrics.get(0)).contains("\"logprob_drift\"").contains("\"kl\":0.0");
    assertThat(metrics.get(1)).doesNotContain("\"kl\":0.0,");
    LoraAdapter adapter = PeftAdapterReader.read(ModelFolder.local(Path.of(r.checkpoint())));
    assertThat(adapter.modules().get(0).b().amaxNumber().doubleValue()).as("the adapter moved").isGreaterThan(0);

    // The next GRPO step samples with the adapter and starts from this run folder: the adapter trains on,
    // the reference stays the base. Rows sampled by the base instead no longer match it.
    List<RolloutRow> nextRows = sampledRows(Path.of(r.checkpoint()));
    ByteArrayOutputStream next = new ByteArrayOutputStream();
    HfGrpoTrainer.Result second = new HfGrpoTrainer(config(Map.of()), new Configuration(),
        new PrintStream(next, true, StandardCharsets.UTF_8), false)
        .train(dir.resolve("run").toString(), base.toString(), nextRows, "memory", dir.resolve("run2").toUri());
    assertThat(next.toString(StandardCharsets.UTF_8)).contains("from the adapter").contains("the base without the adapter");
    assertThat(second.drift()).isLessThan(1e-4);
    assertThatThrownBy(() -> new HfGrpoTrainer(config(Map.of()), new Configuration(),
        new PrintStream(new ByteArrayOutputStream()), false)
        .train(dir.resolve("run").toString(), base.toString(), rows, "step-0 shard", dir.resolve("run3").toUri()))
        .hasMessageContaining("max-logprob-drift");
  }

  @Test
  void aShardSampledFromAnotherModelIsRefusedByTheDriftCheck() throws Exception {
    List<RolloutRow> rows = sampledRows(other);
    assertThatThrownBy(() -> new HfGrpoTrainer(config(Map.of()), new Configuration(),
        new PrintStream(new ByteArrayOutputStream()), false).train(base.toString(), null, rows, "shard-x",
        dir.resolve("run").toUri()))
        .hasMessageContaining("trainer.hf.max-logprob-drift").hasMessageContaining("shard-x");
  }

  @Test
  void fullTrainingKeepsAFrozenCopyAsTheReference() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HfGrpoTrainer.Result r = new HfGrpoTrainer(config(Map.of("trainer.hf.method", "full")), new Configuration(),
        new PrintStream(out, true, StandardCharsets.UTF_8), false).train(base.toString(), null, sampledRows(base),
        "memory", dir.resolve("full").toUri());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("a frozen copy of its weights");
    assertThat(Path.of(r.checkpoint()).resolve("model.safetensors")).exists();
  }
}
