package dev.manimgrpo.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.NativeThreads;
import dev.manimgrpo.policy.model.Nd4jTransformerLm;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.tokenizer.BpeTokenizer;
import dev.manimgrpo.policy.tokenizer.BpeTrainer;
import dev.manimgrpo.policy.tokenizer.TemplateEncoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRPO end to end on a tiny policy: advantages move log-probs the right way; zero-variance groups. */
class GrpoTrainerTest {

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limitOpThreads(1);
  }

  static Policy tinyPolicy() {
    BpeTokenizer tok = new BpeTrainer(300).train(List.of("from manim import *\nclass A(Scene):\n    def construct(self):\n"
        + "        self.play(Create(Circle()))\n", "Draw a circle. Draw a square."));
    return new Policy(ModelParameters.initialise(new ModelConfig(tok.vocabSize(), 1, 2, 16, 96, 0.0), 5), tok, 0, "test");
  }

  static RolloutRow row(String group, int index, int[] prompt, int[] completion, double reward, double advantage,
      boolean zero) {
    return new RolloutRow("run", 0, "p-" + group, group, index, prompt, completion, null, "x", "rendered", null, 0.5,
        0.5, null, reward, advantage, zero, null);
  }

  static double completionLogprob(Policy p, int[] prompt, int[] completion) {
    int[] seq = new int[prompt.length + completion.length];
    System.arraycopy(prompt, 0, seq, 0, prompt.length);
    System.arraycopy(completion, 0, seq, prompt.length, completion.length);
    TokenBatch b = TokenBatch.of(List.of(seq), new int[] {prompt.length}, 0);
    float[][] lp = new Nd4jTransformerLm().forward(p.params(), b.inputs(), b.targets(), false, 0).logProbsArray();
    double s = 0;
    for (int t = 0; t < lp[0].length; t++) {
      s += b.mask()[0][t] ? lp[0][t] : 0;
    }
    return s;
  }

  @Test
  void positiveAdvantageRaisesItsCompletionAndNegativeLowersIt() throws Exception {
    Policy start = tinyPolicy();
    int[] prompt = new TemplateEncoder(start.tokenizer()).prompt("Draw a circle.");
    int[] good = start.tokenizer().encode("self.play(Create(Circle()))");
    int[] bad = start.tokenizer().encode("class A(Scene):");
    double goodBefore = completionLogprob(start, prompt, good);
    double badBefore = completionLogprob(start, prompt, bad);
    List<RolloutRow> rows = new ArrayList<>(List.of(
        row("g1", 0, prompt, good, 1.0, 1.0, false),
        row("g1", 1, prompt, bad, 0.0, -1.0, false),
        row("g2", 0, prompt, good, 0.3, 0.0, true),
        row("g2", 1, prompt, bad, 0.3, 0.0, true)));
    TrainerConfig cfg = TinyTraining.config(Map.of("trainer.grpo.groups-per-step", "1", "trainer.grpo.iterations", "3",
        "trainer.grpo.learning-rate", "0.01", "trainer.grpo.old-logprobs", "recompute"));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    GrpoTrainer.Result r = new GrpoTrainer(cfg, new Configuration(), new PrintStream(console), false)
        .train(start, rows, "memory", dir.resolve("run").toUri());

    assertThat(r.groups()).isEqualTo(1);
    assertThat(r.skippedGroups()).isEqualTo(1);
    assertThat(r.steps()).isEqualTo(3);
    assertThat(completionLogprob(r.policy(), prompt, good)).isGreaterThan(goodBefore);
    assertThat(completionLogprob(r.policy(), prompt, bad)).isLessThan(badBefore);
    // The starting policy is untouched (it is the frozen KL reference).
    assertThat(completionLogprob(start, prompt, good)).isEqualTo(goodBefore);
    List<String> metrics = Files.readAllLines(dir.resolve("run").resolve(MetricsLog.FILE));
    assertThat(metrics).hasSize(3);
    assertThat(metrics.get(0)).contains("\"kl\":0.0").contains("\"clip_fraction\":0.0").contains("\"mean_ratio\":1.0");
    assertThat(metrics.get(2)).contains("\"clip_fraction\"");

    // Down-weighting keeps the zero-variance group in.
    TrainerConfig down = TinyTraining.config(Map.of("trainer.grpo.zero-variance", "down-weight"));
    GrpoTrainer.Result kept = new GrpoTrainer(down, new Configuration(), new PrintStream(new ByteArrayOutputStream()),
        false).train(start, rows, "memory", dir.resolve("down").toUri());
    assertThat(kept.groups()).isEqualTo(2);
    assertThat(kept.skippedGroups()).isZero();
  }

  @Test
  void aShardWithNothingToTrainOnSaysWhy() {
    Policy start = tinyPolicy();
    int[] prompt = {start.tokenizer().bosId(), 40};
    List<RolloutRow> rows = List.of(row("g", 0, prompt, new int[] {41}, 0.2, 0.0, true));
    assertThatThrownBy(() -> new GrpoTrainer(TinyTraining.config(Map.of()), new Configuration(),
        new PrintStream(new ByteArrayOutputStream()), false).train(start, rows, "shard-x", dir.resolve("r").toUri()))
        .hasMessageContaining("no trainable groups in shard-x").hasMessageContaining("1 zero-variance groups skipped");
  }
}
