package dev.manimgrpo.policy.hf.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import org.junit.jupiter.api.Test;

/** The memory estimate on Qwen2.5-0.5B and -1.5B shapes (the README's table) and on a hand-counted tiny model. */
class HfTrainingMemoryTest {

  /** Qwen2.5's published shapes: hidden, layers, heads, kv heads, intermediate; vocab 151936, tied. */
  static HfModelConfig qwen25(int hidden, int layers, int heads, int kvHeads, int intermediate) {
    return HfModelConfig.parse(SyntheticCheckpoint.qwen2Config(hidden, layers, heads, kvHeads, intermediate, 151936,
        32768), "qwen2.5");
  }

  @Test
  void qwen25SizesAsTheReadmeTabulatesThem() {
    HfModelConfig half = qwen25(896, 24, 14, 2, 4864);
    HfModelConfig oneAndHalf = qwen25(1536, 28, 12, 2, 8960);
    for (var e : java.util.Map.of("Qwen2.5-0.5B", half, "Qwen2.5-1.5B", oneAndHalf).entrySet()) {
      for (boolean ckpt : new boolean[] {false, true}) {
        HfTrainingMemory lora = HfTrainingMemory.estimate(e.getValue(), 16, LoraSpec.ALL_LINEAR, 8 * 1024, 1024, ckpt);
        HfTrainingMemory full = HfTrainingMemory.estimate(e.getValue(), null, null, 8 * 1024, 1024, ckpt);
        System.out.printf("%s, batch 8 x 1024, checkpointing %s%n  LoRA r16 all-linear: %s%n  full: %s%n", e.getKey(),
            ckpt, lora.describe(), full.describe());
        assertThat(lora.trained()).isLessThan(full.trained() / 20);
        assertThat(full.trained()).isEqualTo(4 * full.weights());
      }
      assertThat(HfTrainingMemory.estimate(e.getValue(), 16, LoraSpec.ALL_LINEAR, 8192, 1024, true).activations())
          .isLessThan(HfTrainingMemory.estimate(e.getValue(), 16, LoraSpec.ALL_LINEAR, 8192, 1024, false).activations() / 5);
    }
    // 0.5B: 494M parameters, as published.
    assertThat(HfTrainingMemory.estimate(half, null, null, 1, 1, false).weights() / 4).isBetween(490_000_000L, 500_000_000L);
  }

  @Test
  void aTinyModelCountedByHand() {
    // hidden 8, 1 layer, 2 heads of 4, 1 kv head, intermediate 16, vocab 300, tied.
    HfModelConfig c = HfModelConfig.parse(SyntheticCheckpoint.qwen2Config(8, 1, 2, 1, 16, 300, 64), "tiny");
    HfTrainingMemory m = HfTrainingMemory.estimate(c, 2, java.util.Set.of(dev.manimgrpo.policy.hf.export.LoraAdapter
        .Target.Q_PROJ), 10, 5, false);
    long params = 300 * 8 + 8 + (8 * 8 + 8) + 2 * (4 * 8 + 4) + 8 * 8 + 8 + 3 * 16 * 8 + 8;
    assertThat(m.weights()).isEqualTo(4 * params);
    assertThat(m.trained()).isEqualTo(4 * 4 * 2 * (8 + 8));
    // per token: 4 x 8 + 2 x 8 + 2 x 4 + 3 x 16 + 2 heads x 5 positions, and the layer's output 8
    assertThat(m.activations()).isEqualTo(4 * 10 * (32 + 16 + 8 + 48 + 10 + 8));
    assertThat(m.head()).isEqualTo(4 * 2 * 10 * 300);
    assertThat(HfTrainingMemory.estimate(c, null, null, 5000, 5, true).head())
        .as("checkpointing computes the head in chunks").isEqualTo(4L * 2 * HfTrainingModel.HEAD_CHUNK * 300);
  }
}
