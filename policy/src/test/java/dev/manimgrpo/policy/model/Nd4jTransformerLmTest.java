package dev.manimgrpo.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jTransformerLmTest {

  @BeforeAll
  static void oneOpThread() {
    // libnd4j's OpenMP threads only add barrier overhead on these tiny arrays (see NativeThreads).
    NativeThreads.limitOpThreads(1);
  }

  private final Nd4jTransformerLm lm = new Nd4jTransformerLm();

  @Test
  void laterTokensDoNotChangeEarlierLogProbs() {
    ModelParameters p = TinyModels.lively(TinyModels.TINY, 2, DataType.DOUBLE);
    int[][] a = {{1, 2, 3, 4, 5, 6}};
    int[][] b = {{1, 2, 3, 4, 9, 0}};
    int[][] targets = {{7, 7, 7, 7, 7, 7}};
    INDArray la = lm.forward(p, a, targets, false, 0).logProbs();
    INDArray lb = lm.forward(p, b, targets, false, 0).logProbs();
    for (int t = 0; t < 4; t++) {
      assertThat(lb.getDouble(0, t)).as("position " + t).isCloseTo(la.getDouble(0, t), within(1e-12));
    }
    assertThat(Math.abs(lb.getDouble(0, 4) - la.getDouble(0, 4))).isGreaterThan(1e-6);
  }

  @Test
  void logProbsAreNormalisedOverTheVocabulary() {
    ModelParameters p = TinyModels.lively(TinyModels.TINY, 4, DataType.DOUBLE);
    int[] prefix = {3, 1, 4};
    double total = 0;
    for (int v = 0; v < 11; v++) {
      int[][] targets = {{-1, -1, v}};
      total += Math.exp(lm.forward(p, new int[][] {prefix}, targets, false, 0).logProbs()
          .getDouble(0, 2));
    }
    assertThat(total).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void dropoutIsDeterministicInItsSeed() {
    ModelParameters p = ModelParameters.initialise(TinyModels.TINY.withDropout(0.3), 1);
    int[][] tokens = {{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}};
    int[][] targets = TinyModels.shiftedTargets(tokens);
    INDArray a = lm.forward(p, tokens, targets, true, 5).logProbs();
    INDArray b = lm.forward(p, tokens, targets, true, 5).logProbs();
    INDArray c = lm.forward(p, tokens, targets, true, 6).logProbs();
    INDArray eval = lm.forward(p, tokens, targets, false, 5).logProbs();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(eval).isNotEqualTo(a);
  }

  @Test
  void adamWMemorisesATinySequence() {
    ModelParameters p = ModelParameters.initialise(TinyModels.TINY, 11);
    AdamW opt = AdamW.withDefaults(p);
    LearningRateSchedule lr = new LearningRateSchedule(1e-2, 1e-3, 20, 300);
    int[][] tokens = {{1, 5, 2, 9, 3, 7}, {4, 4, 8, 0, 10, 6}};
    int[][] targets = TinyModels.shiftedTargets(tokens);
    int counted = 10;
    double first = 0;
    double last = 0;
    for (int step = 0; step < 300; step++) {
      ForwardResult fr = lm.forward(p, tokens, targets, true, step);
      double nll = -fr.logProbs().sumNumber().doubleValue() / counted;
      if (step == 0) {
        first = nll;
      }
      last = nll;
      // Mean NLL: d loss / d logp = -1 / count on every counted token.
      INDArray d = fr.targetMask().mul(-1.0 / counted);
      Gradients g = lm.backward(fr, d);
      AdamW.clipGlobalNorm(g, 1.0);
      opt.step(p, g, lr.at(step));
    }
    assertThat(first).isGreaterThan(2.0);
    assertThat(last).isLessThan(0.05);
    assertThat(opt.stepCount()).isEqualTo(300);
  }

  @Test
  void initialisationFollowsGpt2() {
    ModelConfig c = new ModelConfig(64, 4, 2, 32, 16, 0.0);
    ModelParameters p = ModelParameters.initialise(c, 3);
    assertThat(p.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(p.get(ModelParameters.TOKEN_EMBEDDING).stdNumber().doubleValue())
        .isCloseTo(0.02, within(0.002));
    assertThat(p.get(ModelParameters.block(1, "attn.out.weight")).stdNumber().doubleValue())
        .isCloseTo(0.02 / Math.sqrt(8), within(0.001));
    assertThat(p.get(ModelParameters.block(0, "ln1.gain")).minNumber().doubleValue()).isEqualTo(1.0);
    assertThat(p.get(ModelParameters.block(0, "mlp.fc.bias")).maxNumber().doubleValue()).isZero();
    assertThat(p.get(ModelParameters.block(0, "mlp.fc.weight")).shape()).containsExactly(32, 128);
    long expected = 64 * 32 + 16 * 32 + 4L * (4 * (32 * 32 + 32) + 2 * 32 * 128 + 128 + 32 + 4 * 32)
        + 2 * 32;
    assertThat(p.count()).isEqualTo(expected);
    assertThat(ModelParameters.initialise(c, 3).get(ModelParameters.TOKEN_EMBEDDING))
        .isEqualTo(p.get(ModelParameters.TOKEN_EMBEDDING));
    ModelParameters copy = p.copy();
    copy.get(ModelParameters.TOKEN_EMBEDDING).addi(1.0);
    assertThat(copy.get(ModelParameters.TOKEN_EMBEDDING))
        .isNotEqualTo(p.get(ModelParameters.TOKEN_EMBEDDING));
    assertThat(p.zerosLike().get(ModelParameters.POSITION_EMBEDDING).sumNumber().doubleValue())
        .isZero();
    ModelParameters reloaded = ModelParameters.of(c, p.asMap());
    assertThat(reloaded.flat()).isEqualTo(p.flat());
    assertThat(reloaded.names()).isEqualTo(p.names());
    assertThatThrownBy(() -> ModelParameters.of(new ModelConfig(64, 4, 2, 16, 16, 0.0), p.asMap()))
        .hasMessageContaining("parameter tok_emb has shape [64, 32], expected [64, 16]");
    assertThatThrownBy(() -> ModelParameters.of(TinyModels.TINY, p.asMap()))
        .hasMessageContaining("unexpected [blocks.2.attn.k.bias");
    // Named arrays are views of the flat buffer.
    p.get(ModelParameters.FINAL_LN_BIAS).assign(2.0);
    assertThat(p.flat().sumNumber().doubleValue())
        .isCloseTo(reloaded.flat().sumNumber().doubleValue() + 2.0 * 32, within(1e-3));
  }

  @Test
  void configValidatesAndSerialises() throws Exception {
    assertThatThrownBy(() -> new ModelConfig(100, 2, 3, 8, 16, 0.0))
        .hasMessageContaining("width (8) must be divisible by heads (3)");
    assertThatThrownBy(() -> new ModelConfig(100, 0, 2, 8, 16, 0.0)).hasMessageContaining("layers");
    assertThatThrownBy(() -> new ModelConfig(100, 2, 2, 8, 16, 1.0)).hasMessageContaining("dropout");
    ObjectMapper json = new ObjectMapper();
    ModelConfig c = new ModelConfig(2048, 4, 4, 256, 512, 0.1);
    String text = json.writeValueAsString(c);
    assertThat(json.readValue(text, ModelConfig.class)).isEqualTo(c);
    ModelConfig noMlp = json.readValue(
        "{\"vocabSize\":10,\"layers\":1,\"heads\":1,\"width\":4,\"contextLength\":8,\"dropout\":0}",
        ModelConfig.class);
    assertThat(noMlp.mlpMultiplier()).isEqualTo(4);
  }

  @Test
  void scheduleWarmsUpThenDecaysToTheFloor() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-4, 10, 110);
    assertThat(s.at(0)).isCloseTo(1e-4, within(1e-12));
    assertThat(s.at(9)).isCloseTo(1e-3, within(1e-12));
    assertThat(s.at(60)).isCloseTo(5.5e-4, within(1e-9));
    assertThat(s.at(110)).isEqualTo(1e-4);
    assertThat(s.at(1000)).isEqualTo(1e-4);
  }

  @Test
  void clippingReturnsThePreClipNormAndOptimizerStateRoundTrips() {
    ModelParameters p = ModelParameters.initialise(TinyModels.TINY, 1);
    int[][] tokens = {{1, 2, 3, 4, 5, 6}};
    ForwardResult fr = lm.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0);
    Gradients g = lm.backward(fr, fr.targetMask().mul(-10.0));
    double before = g.globalNorm();
    assertThat(AdamW.clipGlobalNorm(g, before / 4)).isEqualTo(before);
    assertThat(g.globalNorm()).isCloseTo(before / 4, within(before * 1e-4));

    AdamW a = AdamW.withDefaults(p);
    a.step(p, g, 1e-3);
    AdamW b = AdamW.withDefaults(p);
    b.loadState(a.state());
    assertThat(b.stepCount()).isEqualTo(1);
    assertThat(b.state().get("m." + ModelParameters.TOKEN_EMBEDDING))
        .isEqualTo(a.state().get("m." + ModelParameters.TOKEN_EMBEDDING));
    assertThat(AdamW.decays(ModelParameters.POSITION_EMBEDDING,
        p.get(ModelParameters.POSITION_EMBEDDING))).isFalse();
    assertThat(AdamW.decays("blocks.0.attn.q.bias", p.get("blocks.0.attn.q.bias"))).isFalse();
    assertThat(AdamW.decays("blocks.0.attn.q.weight", p.get("blocks.0.attn.q.weight"))).isTrue();
  }

  @Test
  void flopEstimateCountsMatmulsAndAttention() {
    ModelConfig c = new ModelConfig(2048, 4, 4, 256, 512, 0.0);
    long perToken = Nd4jTransformerLm.trainingFlopsPerToken(c, 256);
    // ~12 d^2 per layer + head, times 6, plus attention.
    long approx = 6L * (4 * 12 * 256 * 256 + 2048 * 256) + 6L * 4 * 256 * 256;
    assertThat((double) perToken).isCloseTo(approx, within(approx * 0.02));
  }
}
