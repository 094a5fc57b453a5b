package dev.manimgrpo.policy.hf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.policy.model.NativeThreads;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** One-row decode steps in plain Java against the same steps through ND4J, for each architecture. */
class HfRowDecoderTest {

  private static final int VOCAB = 384;

  @BeforeAll
  static void oneOpThread() {
    NativeThreads.limitOpThreads(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void stepsGiveNd4jsLogitsAndCache(String arch) {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.config(arch), 11);
    HfCausalLm nd4j = lm.withoutRowDecoder();
    int[] prompt = RandomHfModels.randomTokens(new Random(12), 6, VOCAB);
    HfKvCache ours = new HfKvCache(lm.config(), 1, 20);
    HfKvCache theirs = new HfKvCache(lm.config(), 1, 20);
    lm.prefill(ours, prompt);
    int token = HfCausalLm.argmax(nd4j.prefill(theirs, prompt));
    assertThat(lm.rowDecodes(ours)).as("the row decoder takes one-row steps").isTrue();
    assertThat(nd4j.rowDecodes(theirs)).isFalse();
    for (int n = 0; n < 12; n++) {
      INDArray a = lm.step(ours, new int[] {token});
      INDArray b = nd4j.step(theirs, new int[] {token});
      assertThat(a.shape()).containsExactly(1, VOCAB);
      assertThat(relative(a, b)).as("step %d", n).isLessThan(1e-5);
      assertThat(HfCausalLm.argmax(a)).isEqualTo(HfCausalLm.argmax(b));
      token = HfCausalLm.argmax(b);
    }
    assertThat(ours.length()).isEqualTo(theirs.length()).isEqualTo(18);
    for (int l = 0; l < lm.config().numHiddenLayers(); l++) {
      assertThat(relative(ours.keys(l, 18), theirs.keys(l, 18))).as("keys of layer %d", l).isLessThan(1e-5);
      assertThat(relative(ours.values(l, 18), theirs.values(l, 18))).as("values of layer %d", l).isLessThan(1e-5);
    }
  }

  @Test
  void theLastRowLeftInAGroupDecodesInPlaceAndSeveralRowsStayWithNd4j() {
    HfCausalLm lm = RandomHfModels.model(RandomHfModels.qwen2(), 13);
    HfCausalLm nd4j = lm.withoutRowDecoder();
    int[] prompt = RandomHfModels.randomTokens(new Random(14), 5, VOCAB);
    HfKvCache group = new HfKvCache(lm.config(), 1, 16);
    lm.prefill(group, prompt);
    group = group.repeatRows(3);
    assertThat(lm.rowDecodes(group)).isFalse();
    lm.step(group, new int[] {1, 2, 3});
    HfKvCache last = group.selectRows(new int[] {2});
    HfKvCache reference = group.selectRows(new int[] {2});
    assertThat(lm.rowDecodes(last)).isTrue();
    assertThat(relative(lm.step(last, new int[] {7}), nd4j.step(reference, new int[] {7}))).isLessThan(1e-5);
  }

  private static double relative(INDArray a, INDArray b) {
    double scale = Math.max(1e-12, Transforms.abs(b, true).maxNumber().doubleValue());
    return Transforms.abs(a.sub(b), false).maxNumber().doubleValue() / scale;
  }
}
