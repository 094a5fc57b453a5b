package dev.manimgrpo.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.policy.sampling.KvCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The SameDiff graph against the ND4J engine, in float64: the ND4J engine's backward is checked
 * against central differences ({@link Nd4jTransformerLmGradientTest}), so agreement to rounding
 * shows the graph computes the same network, with the same dropout, the same gradients (by
 * SameDiff's automatic differentiation) and the same cached decoding.
 */
class SameDiffTransformerLmTest {

  @BeforeAll
  static void oneOpThread() {
    NativeThreads.limitOpThreads(1);
  }

  private final SameDiffTransformerLm sd = new SameDiffTransformerLm();
  private final Nd4jTransformerLm nd = new Nd4jTransformerLm();

  @Test
  void logProbsAndGradientsMatchTheNd4jEngine() {
    assertSameTraining(TinyModels.TINY, false);
  }

  @Test
  void dropoutFromTheSameSeedDropsTheSameUnits() {
    ModelConfig c = TinyModels.TINY.withDropout(0.3);
    assertSameTraining(c, true);
    // and a different seed gives a different pass
    ModelParameters p = TinyModels.lively(c, 5, DataType.DOUBLE);
    int[][] tokens = TinyModels.randomTokens(new Random(1), 2, c.contextLength(), c.vocabSize());
    int[][] targets = TinyModels.shiftedTargets(tokens);
    INDArray a = sd.forward(p, tokens, targets, true, 1).logProbs();
    INDArray b = sd.forward(p, tokens, targets, true, 2).logProbs();
    assertThat(a.equalsWithEps(b, 1e-6)).isFalse();
  }

  private void assertSameTraining(ModelConfig c, boolean training) {
    ModelParameters p = TinyModels.lively(c, 7, DataType.DOUBLE);
    Random r = new Random(3);
    int[][] tokens = TinyModels.randomTokens(r, 3, c.contextLength() - 2, c.vocabSize());
    int[][] targets = TinyModels.shiftedTargets(tokens);
    targets[1][2] = -1;
    INDArray weights = Nd4j.create(TinyModels.gaussian(r, 3 * tokens[0].length),
        new long[] {3, tokens[0].length}).castTo(DataType.DOUBLE);

    TrainingPass a = sd.forward(p, tokens, targets, training, 42);
    ForwardResult b = nd.forward(p, tokens, targets, training, 42);
    assertClose("log-probs", a.logProbs(), b.logProbs(), 1e-10);
    assertThat(a.targetMask()).isEqualTo(b.targetMask());
    assertThat(a.logProbs().getDouble(1, 2)).isZero();

    Gradients ga = sd.backward(a, weights);
    Gradients gb = nd.backward(b, weights);
    assertSameGradients("separate passes", p, ga, gb);
    assertThat(ga.globalNorm()).isPositive();

    // the fused pass (one run of the gradient graph) gives the same log-probs and gradients
    LanguageModel.PassGradients fused = sd.forwardBackward(p, tokens, targets, training, 42, weights);
    assertClose("fused log-probs", fused.pass().logProbs(), b.logProbs(), 1e-10);
    assertSameGradients("fused pass", p, fused.gradients(), gb);
  }

  private static void assertSameGradients(String what, ModelParameters p, Gradients ga,
      Gradients gb) {
    List<String> differ = new ArrayList<>();
    for (String name : p.names()) {
      double scale = Math.max(1.0, gb.get(name).norm2Number().doubleValue());
      double diff = ga.get(name).sub(gb.get(name)).norm2Number().doubleValue();
      if (!(diff <= 1e-9 * scale)) {
        differ.add(name + " (|diff| " + diff + ", |grad| " + scale + ")");
      }
    }
    assertThat(differ).as(what + ": gradients that differ between the engines").isEmpty();
  }

  @Test
  void oneGraphServesEveryParameterSetPassedIn() {
    ModelConfig c = TinyModels.TINY;
    ModelParameters first = TinyModels.lively(c, 1, DataType.DOUBLE);
    ModelParameters second = TinyModels.lively(c, 2, DataType.DOUBLE);
    int[][] tokens = TinyModels.randomTokens(new Random(4), 2, 5, c.vocabSize());
    int[][] targets = TinyModels.shiftedTargets(tokens);
    INDArray a = sd.forward(first, tokens, targets, false, 0).logProbs();
    INDArray b = sd.forward(second, tokens, targets, false, 0).logProbs();
    assertClose("second parameter set", b, nd.forward(second, tokens, targets, false, 0).logProbs(),
        1e-10);
    // an in-place update (what the optimizer does) is seen by the next pass
    first.get(ModelParameters.FINAL_LN_BIAS).addi(0.5);
    INDArray updated = sd.forward(first, tokens, targets, false, 0).logProbs();
    assertThat(updated.equalsWithEps(a, 1e-6)).isFalse();
    assertClose("after an update", updated,
        nd.forward(first, tokens, targets, false, 0).logProbs(), 1e-10);
  }

  @Test
  void cachedDecodingMatchesTheNd4jEngineAndTheUncachedPass() {
    ModelConfig c = new ModelConfig(11, 2, 2, 8, 12, 0.0);
    ModelParameters p = TinyModels.lively(c, 9, DataType.DOUBLE);
    int[][] prompts = {{1, 2, 3, 4}, {5, 6}, {7, 8, 9}};
    KvCache cacheA = KvCache.allocate(c, 3, 10, DataType.DOUBLE);
    KvCache cacheB = KvCache.allocate(c, 3, 10, DataType.DOUBLE);
    assertClose("prefill", sd.prefill(p, cacheA, prompts), nd.prefill(p, cacheB, prompts), 1e-10);
    int[][] sequences = prompts.clone();
    for (int s = 0; s < 4; s++) {
      int[] next = {s % 11, (3 * s + 1) % 11, (5 * s + 2) % 11};
      INDArray a = sd.step(p, cacheA, next);
      assertClose("step " + s, a, nd.step(p, cacheB, next), 1e-10);
      for (int row = 0; row < 3; row++) {
        int[] longer = java.util.Arrays.copyOf(sequences[row], sequences[row].length + 1);
        longer[longer.length - 1] = next[row];
        sequences[row] = longer;
      }
      assertClose("uncached after step " + s, a, sd.lastLogits(p, sequences), 1e-9);
    }
    assertThat(cacheA.length()).isEqualTo(cacheB.length());
  }

  @Test
  void float32ParametersRunInFloat32() {
    ModelConfig c = TinyModels.TINY;
    ModelParameters p = ModelParameters.initialise(c, 3);
    int[][] tokens = TinyModels.randomTokens(new Random(5), 2, 6, c.vocabSize());
    TrainingPass pass = sd.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0);
    assertThat(pass.logProbs().dataType()).isEqualTo(DataType.FLOAT);
    assertClose("float32", pass.logProbs(),
        nd.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0).logProbs(), 1e-5);
    assertThat(sd.backward(pass, pass.targetMask()).flat().dataType()).isEqualTo(DataType.FLOAT);
  }

  @Test
  void backwardNeedsItsOwnPass() {
    ModelConfig c = TinyModels.TINY;
    ModelParameters p = ModelParameters.initialise(c, 3);
    int[][] tokens = {{1, 2, 3}};
    ForwardResult foreign = nd.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0);
    assertThatThrownBy(() -> sd.backward(foreign, foreign.targetMask()))
        .hasMessageContaining("its own forward");
    TrainingPass own = sd.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0);
    assertThatThrownBy(() -> sd.backward(own, Nd4j.zeros(DataType.FLOAT, 2, 3)))
        .hasMessageContaining("dLogProb must be [1, 3]");
  }

  private static void assertClose(String what, INDArray actual, INDArray expected, double tol) {
    assertThat(actual.shape()).as(what).isEqualTo(expected.shape());
    double diff = actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE))
        .amaxNumber().doubleValue();
    assertThat(diff).as(what + ": max |difference|").isLessThanOrEqualTo(tol);
  }
}
