package dev.manimgrpo.policy.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LogitFilterTest {

  /** Logits whose softmax is exactly {0.5, 0.2, 0.15, 0.1, 0.05}. */
  private static final float[] LOGITS = logs(0.5, 0.2, 0.15, 0.1, 0.05);

  private static float[] logs(double... p) {
    float[] l = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      l[i] = (float) Math.log(p[i]) + 3f; // a shift the softmax must ignore
    }
    return l;
  }

  @Test
  void noFilteringReproducesTheSoftmax() {
    double[] p = LogitFilter.probabilities(LOGITS, 1.0, 1.0, 0.0);
    assertThat(p).containsExactly(new double[] {0.5, 0.2, 0.15, 0.1, 0.05}, within(1e-6));
  }

  @Test
  void topPKeepsTheSmallestNucleusReachingP() {
    double[] p = LogitFilter.probabilities(LOGITS, 1.0, 0.65, 0.0);
    assertThat(p).containsExactly(new double[] {5.0 / 7, 2.0 / 7, 0, 0, 0}, within(1e-6));
    double[] q = LogitFilter.probabilities(LOGITS, 1.0, 0.8, 0.0);
    assertThat(q).containsExactly(new double[] {0.5 / 0.85, 0.2 / 0.85, 0.15 / 0.85, 0, 0},
        within(1e-6));
    double[] top = LogitFilter.probabilities(LOGITS, 1.0, 0.01, 0.0);
    assertThat(top).containsExactly(new double[] {1, 0, 0, 0, 0}, within(1e-12));
  }

  @Test
  void minPDropsTokensBelowAFractionOfTheTopProbability() {
    double[] p = LogitFilter.probabilities(LOGITS, 1.0, 1.0, 0.25); // threshold 0.125
    assertThat(p).containsExactly(new double[] {0.5 / 0.85, 0.2 / 0.85, 0.15 / 0.85, 0, 0},
        within(1e-6));
    double[] both = LogitFilter.probabilities(LOGITS, 1.0, 0.65, 0.25);
    assertThat(both).containsExactly(new double[] {5.0 / 7, 2.0 / 7, 0, 0, 0}, within(1e-6));
  }

  @Test
  void temperatureSharpensOrFlattens() {
    double[] cold = LogitFilter.probabilities(LOGITS, 0.5, 1.0, 0.0);
    double z = 0.25 + 0.04 + 0.0225 + 0.01 + 0.0025;
    assertThat(cold[0]).isCloseTo(0.25 / z, within(1e-6));
    double[] hot = LogitFilter.probabilities(LOGITS, 1e6, 1.0, 0.0);
    assertThat(hot[4]).isCloseTo(0.2, within(1e-4));
  }

  @Test
  void argmaxLogSoftmaxAndDraw() {
    assertThat(LogitFilter.argmax(LOGITS)).isZero();
    assertThat(LogitFilter.logSoftmax(LOGITS)[1]).isCloseTo(Math.log(0.2), within(1e-6));
    double[] p = {0.0, 0.3, 0.0, 0.7};
    assertThat(LogitFilter.draw(p, 0.0)).isEqualTo(1);
    assertThat(LogitFilter.draw(p, 0.29)).isEqualTo(1);
    assertThat(LogitFilter.draw(p, 0.31)).isEqualTo(3);
    assertThat(LogitFilter.draw(p, 0.9999999)).isEqualTo(3);
  }
}
