package dev.manimgrpo.policy.hf.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.RandomHfModels;
import dev.manimgrpo.policy.hf.export.HfTensors;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.model.NativeThreads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The training model on random Llama / Qwen2 / Qwen3 weights, without the oracle: a fresh adapter
 * computes the base model, the backward pass agrees with finite differences of the forward pass
 * (LoRA with dropout, and full training), checkpointing changes nothing, and training moves only
 * what trains. {@code HfLoraOracleTest} holds the gradients to PyTorch's to the last digits.
 */
class HfTrainingModelTest {

  /** Two right-padded rows: lengths 9 and 6, targets -1 on the padding. */
  private static final int[][] TOKENS = new int[2][9];
  private static final int[][] TARGETS = new int[2][9];

  @BeforeAll
  static void batch() {
    NativeThreads.limitOpThreads(1);
    Random r = new Random(5);
    int[] lengths = {9, 6};
    for (int b = 0; b < 2; b++) {
      int[] seq = RandomHfModels.randomTokens(r, lengths[b] + 1, 384);
      for (int t = 0; t < 9; t++) {
        TOKENS[b][t] = t < lengths[b] ? seq[t] : 0;
        TARGETS[b][t] = t < lengths[b] ? seq[t + 1] : -1;
      }
    }
  }

  private static HfModelConfig config(String arch) {
    return switch (arch) {
      case "llama" -> RandomHfModels.llama();
      case "qwen2" -> RandomHfModels.qwen2();
      default -> RandomHfModels.qwen3();
    };
  }

  private static HfWeights weights(HfModelConfig c, long seed) {
    return HfWeights.of(c, RandomHfModels.tensors(c, seed));
  }

  /** An adapter whose B is not zero, so that A gets gradients too. */
  private static LoraAdapter randomAdapter(HfModelConfig c, double dropout, long seed) {
    LoraAdapter fresh = new LoraSpec(4, 8, dropout, LoraSpec.ALL_LINEAR).initialise(c, "random", seed);
    Random r = new Random(seed);
    for (LoraAdapter.Module m : fresh.modules()) {
      m.b().assign(gaussian(r, m.b().shape(), 0.2));
    }
    return fresh;
  }

  private static INDArray gaussian(Random r, long[] shape, double sd) {
    int n = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (sd * r.nextGaussian());
    }
    return Nd4j.create(v, shape, 'c');
  }

  /** d loss / d logp: random weights in [-1, 1] per token, so every position matters differently. */
  private static INDArray lossWeights(long seed) {
    Random r = new Random(seed);
    float[] c = new float[2 * 9];
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) (2 * r.nextDouble() - 1);
    }
    return Nd4j.create(c, new long[] {2, 9}, 'c');
  }

  private static double loss(HfTrainingModel m, INDArray c, boolean training, long seed) {
    return m.forward(TOKENS, TARGETS, training, seed).logProbs().mul(c).sumNumber().doubleValue();
  }

  /**
   * The directional derivative along a random direction of every trained array, from the
   * gradients and from central differences of the loss; float32 forward passes, so a step of 1e-2.
   */
  private static void checkDirectionalDerivative(HfTrainingModel m, boolean training) {
    INDArray c = lossWeights(11);
    Map<String, INDArray> grads = m.backward(m.forward(TOKENS, TARGETS, training, 77), c);
    Random r = new Random(17);
    Map<String, INDArray> direction = new LinkedHashMap<>();
    double analytic = 0;
    for (Map.Entry<String, INDArray> e : m.parameters().entrySet()) {
      INDArray d = gaussian(r, e.getValue().shape(), 1.0);
      direction.put(e.getKey(), d);
      analytic += grads.get(e.getKey()).mul(d).sumNumber().doubleValue();
    }
    double norm = Math.sqrt(direction.values().stream().mapToDouble(d -> d.mul(d).sumNumber().doubleValue()).sum());
    double step = 1e-2 / norm;
    direction.forEach((k, d) -> m.parameters().get(k).addi(d.mul(step)));
    double plus = loss(m, c, training, 77);
    direction.forEach((k, d) -> m.parameters().get(k).subi(d.mul(2 * step)));
    double minus = loss(m, c, training, 77);
    direction.forEach((k, d) -> m.parameters().get(k).addi(d.mul(step)));
    double numeric = (plus - minus) / (2 * step);
    System.out.printf("directional derivative: backward %.6f, central differences %.6f%n", analytic, numeric);
    assertThat(Math.abs(analytic)).as("a derivative large enough to compare").isGreaterThan(0.5);
    assertThat(Math.abs(analytic - numeric)).isLessThan(2e-2 * Math.abs(analytic));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void aFreshAdapterComputesTheBaseModel(String arch) {
    HfModelConfig c = config(arch);
    HfWeights base = weights(c, 3);
    LoraAdapter fresh = new LoraSpec(8, 16, 0, LoraSpec.ALL_LINEAR).initialise(c, "random", 9);
    HfTrainingModel model = HfTrainingModel.lora(base, fresh, false);
    INDArray logits = HfCausalLm.of(base).logits(TOKENS, null);
    INDArray logSoftmax = logits.sub(Transforms.log(Transforms.exp(logits, true).sum(true, 2), false));
    INDArray logProbs = model.forward(TOKENS, TARGETS, true, 1).logProbs();
    for (int b = 0; b < 2; b++) {
      for (int t = 0; t < 9; t++) {
        double expected = TARGETS[b][t] < 0 ? 0 : logSoftmax.getDouble(b, t, TARGETS[b][t]);
        assertThat(logProbs.getDouble(b, t)).as("[%d][%d]", b, t).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4));
      }
    }
    assertThat(model.referenceForward(TOKENS, TARGETS).logProbs().equalsWithEps(logProbs, 1e-6)).isTrue();
    assertThat(model.parameters()).hasSize(2 * 7 * c.numHiddenLayers());
    assertThat(model.parameters().keySet()).allMatch(k -> k.startsWith("base_model.model.model.layers."));
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void loraGradientsWithDropoutAgreeWithFiniteDifferences(String arch) {
    HfModelConfig c = config(arch);
    checkDirectionalDerivative(HfTrainingModel.lora(weights(c, 3), randomAdapter(c, 0.2, 4), false), true);
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "qwen2", "qwen3"})
  void fullTrainingGradientsAgreeWithFiniteDifferences(String arch) {
    HfModelConfig c = config(arch);
    checkDirectionalDerivative(HfTrainingModel.full(weights(c, 3), false), false);
  }

  @Test
  void gradientCheckpointingRecomputesExactlyTheSameGradients() {
    HfModelConfig c = config("qwen3");
    HfWeights base = weights(c, 3);
    LoraAdapter adapter = randomAdapter(c, 0.3, 4);
    INDArray dl = lossWeights(2);
    HfTrainingModel kept = HfTrainingModel.lora(base, adapter, false);
    HfTrainingModel recomputed = HfTrainingModel.lora(base, adapter, true);
    Map<String, INDArray> a = kept.backward(kept.forward(TOKENS, TARGETS, true, 5), dl);
    Map<String, INDArray> b = recomputed.backward(recomputed.forward(TOKENS, TARGETS, true, 5), dl);
    assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
    a.forEach((k, g) -> assertThat(b.get(k)).as(k).isEqualTo(g));
    Map<String, INDArray> otherMasks = kept.backward(kept.forward(TOKENS, TARGETS, true, 6), dl);
    assertThat(otherMasks.values().iterator().next()).as("another seed drops other inputs")
        .isNotEqualTo(a.values().iterator().next());
  }

  @Test
  void checkpointingComputesTheHeadInChunksWithTheSameResults() {
    HfModelConfig c = config("llama");
    HfWeights base = weights(c, 3);
    INDArray dl = lossWeights(2);
    HfTrainingModel whole = HfTrainingModel.full(base, false);
    HfTrainingModel.Pass p1 = whole.forward(TOKENS, TARGETS, false, 0);
    INDArray logp = p1.logProbs().dup();
    Map<String, INDArray> a = whole.backward(p1, dl);
    HfTrainingModel chunked = HfTrainingModel.full(base, true).withHeadChunk(4);
    HfTrainingModel.Pass p2 = chunked.forward(TOKENS, TARGETS, false, 0);
    assertThat(p2.logProbs().equalsWithEps(logp, 1e-6)).isTrue();
    Map<String, INDArray> b = chunked.backward(p2, dl);
    a.forEach((k, g) -> assertThat(b.get(k).equalsWithEps(g, 1e-5)).as(k).isTrue());
    assertThatThrownBy(() -> chunked.backward(p2, dl)).hasMessageContaining("already ran");
  }

  @Test
  void loraTrainingMovesOnlyTheAdapterAndLowersTheLoss() {
    HfModelConfig c = config("llama");
    HfWeights base = weights(c, 3);
    Map<String, INDArray> before = new LinkedHashMap<>();
    HfTensors.of(base).forEach((k, v) -> before.put(k, v.dup()));
    LoraAdapter adapter = new LoraSpec(4, 8, 0.05, List.of(LoraAdapter.Target.Q_PROJ, LoraAdapter.Target.V_PROJ,
        LoraAdapter.Target.DOWN_PROJ).stream().collect(java.util.stream.Collectors.toSet()))
        .initialise(c, "random", 1);
    HfTrainingModel model = HfTrainingModel.lora(base, adapter, true);
    HfAdamW adam = new HfAdamW(model.parameters(), 0.9, 0.999, 1e-8, 0.0);
    long valid = java.util.Arrays.stream(TARGETS).flatMapToInt(java.util.Arrays::stream).filter(t -> t >= 0).count();
    INDArray meanNll = Nd4j.valueArrayOf(new long[] {2, 9}, -1.0 / valid, DataType.FLOAT);
    double first = 0;
    double last = 0;
    for (int step = 0; step < 20; step++) {
      HfTrainingModel.Pass pass = model.forward(TOKENS, TARGETS, true, step);
      double nll = -pass.logProbs().sumNumber().doubleValue() / valid;
      first = step == 0 ? nll : first;
      last = nll;
      adam.update(model.backward(pass, meanNll), 1e-2);
    }
    System.out.printf("LoRA SFT on one batch: mean NLL %.4f -> %.4f%n", first, last);
    assertThat(last).isLessThan(first - 0.5);
    HfTensors.of(base).forEach((k, v) -> assertThat(v).as(k + " stays frozen").isEqualTo(before.get(k)));
    assertThat(model.trainedValues()).isEqualTo(adapter.modules().stream()
        .mapToLong(m -> m.a().length() + m.b().length()).sum());
    assertThat(adam.state()).containsKey("step").hasSize(2 * model.parameters().size() + 1);
  }

  @Test
  void badBatchesAreRefusedWithWhatToDo() {
    HfTrainingModel model = HfTrainingModel.full(weights(config("qwen2"), 3), false);
    assertThatThrownBy(() -> model.forward(new int[][] {{1, 2, 3}, {1, 2}}, new int[][] {{1, 2, 3}, {1, 2}}, false, 0))
        .hasMessageContaining("row 1").hasMessageContaining("right-pad");
    assertThatThrownBy(() -> model.forward(new int[][] {{1, 2}}, new int[][] {{1, 999}}, false, 0))
        .hasMessageContaining("target 999 at [0][1]");
    assertThatThrownBy(() -> model.referenceForward(TOKENS, TARGETS))
        .hasMessageContaining("frozen copy");
  }
}
