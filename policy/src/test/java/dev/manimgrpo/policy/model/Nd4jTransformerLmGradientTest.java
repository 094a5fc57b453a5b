package dev.manimgrpo.policy.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Backward against central differences in float64, for every parameter tensor. */
class Nd4jTransformerLmGradientTest {

  @BeforeAll
  static void oneOpThread() {
    // libnd4j's OpenMP threads only add barrier overhead on these tiny arrays (see NativeThreads).
    NativeThreads.limitOpThreads(1);
  }

  private static final int SAMPLES_PER_TENSOR = 4;

  private final Nd4jTransformerLm lm = new Nd4jTransformerLm();

  @Test
  void analyticGradientsMatchCentralDifferences() {
    checkGradients(TinyModels.TINY, false);
  }

  @Test
  void analyticGradientsMatchWithDropoutMasksFixedBySeed() {
    // The masks depend only on the seed, so the loss is a fixed smooth function of the weights.
    checkGradients(TinyModels.TINY.withDropout(0.2), true);
  }

  private void checkGradients(ModelConfig c, boolean training) {
    ModelParameters p = TinyModels.lively(c, 7, DataType.DOUBLE);
    Random r = new Random(3);
    int[][] tokens = TinyModels.randomTokens(r, 2, c.contextLength(), c.vocabSize());
    int[][] targets = TinyModels.shiftedTargets(tokens);
    targets[1][2] = -1; // an ignored target in the middle
    targets[0][0] = 4;
    INDArray weights = Nd4j.create(TinyModels.gaussian(r, 2 * c.contextLength()),
        new long[] {2, c.contextLength()}).castTo(DataType.DOUBLE);
    long seed = 99;

    Gradients g = lm.backward(lm.forward(p, tokens, targets, training, seed), weights);

    double h = 1e-6;
    List<String> failures = new ArrayList<>();
    for (String name : p.names()) {
      INDArray param = p.get(name);
      INDArray grad = g.get(name);
      assertThat(grad.shape()).as(name).isEqualTo(param.shape());
      INDArray flat = param.reshape(param.length());
      Random pick = new Random(name.hashCode());
      for (int s = 0; s < SAMPLES_PER_TENSOR; s++) {
        long i = pick.nextInt((int) param.length());
        double old = flat.getDouble(i);
        flat.putScalar(i, old + h);
        double up = loss(p, tokens, targets, weights, training, seed);
        flat.putScalar(i, old - h);
        double down = loss(p, tokens, targets, weights, training, seed);
        flat.putScalar(i, old);
        double numeric = (up - down) / (2 * h);
        double analytic = grad.reshape(grad.length()).getDouble(i);
        double diff = Math.abs(numeric - analytic);
        double rel = diff / Math.max(1e-12, Math.abs(numeric) + Math.abs(analytic));
        // An absolute floor for gradients that are exactly zero: the key bias shifts every score
        // of a softmax row equally, so its true gradient is 0 and the difference is rounding.
        if (rel > 1e-4 && diff > 1e-8) {
          failures.add(name + "[" + i + "] analytic " + analytic + " numeric " + numeric
              + " rel " + rel);
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  private double loss(ModelParameters p, int[][] tokens, int[][] targets, INDArray weights,
      boolean training, long seed) {
    return lm.forward(p, tokens, targets, training, seed).logProbs().mul(weights).sumNumber()
        .doubleValue();
  }

  @Test
  void everyParameterGetsAGradient() {
    ModelParameters p = ModelParameters.initialise(TinyModels.TINY, 1);
    Random r = new Random(5);
    int[][] tokens = TinyModels.randomTokens(r, 3, 6, 11);
    ForwardResult fr = lm.forward(p, tokens, TinyModels.shiftedTargets(tokens), false, 0);
    Gradients g = lm.backward(fr, Nd4j.ones(DataType.FLOAT, 3, 6).negi());
    assertThat(g.names()).isEqualTo(p.names());
    for (String name : g.names()) {
      assertThat(g.get(name).norm2Number().doubleValue()).as(name).isGreaterThan(0.0);
    }
  }

  @Test
  void ignoredTargetsHaveZeroLogProbAndNoInfluence() {
    ModelParameters p = ModelParameters.initialise(TinyModels.TINY, 1, DataType.DOUBLE);
    int[][] tokens = {{1, 2, 3, 4, 5, 6}};
    int[][] targets = {{2, 3, -1, 5, 6, -1}};
    ForwardResult fr = lm.forward(p, tokens, targets, false, 0);
    assertThat(fr.logProbs().getDouble(0, 2)).isZero();
    assertThat(fr.logProbs().getDouble(0, 5)).isZero();
    assertThat(fr.logProbs().getDouble(0, 0)).isNegative();
    INDArray onlyIgnored = Nd4j.zeros(DataType.DOUBLE, 1, 6);
    onlyIgnored.putScalar(new int[] {0, 2}, 1.0);
    Gradients g = lm.backward(fr, onlyIgnored);
    assertThat(g.globalNorm()).isZero();
  }
}
