package dev.manimgrpo.trainer.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The token losses: values by hand, gradients against finite differences, the clip and KL edges. */
class LossTest {

  @Test
  void sftIsTheMeanNllOfCompletionTokensOnly() {
    double[][] logp = {{-1, -2, -3}, {-4, -5, -6}};
    boolean[][] mask = {{false, true, true}, {false, false, true}};
    TokenLoss l = SftLoss.of(logp, mask);
    assertThat(l.tokens()).isEqualTo(3);
    assertThat(l.loss()).isCloseTo((2 + 3 + 6) / 3.0, within(1e-12));
    assertThat(l.dLogp()[0][0]).isZero();
    assertThat(l.dLogp()[0][1]).isCloseTo(-1 / 3.0, within(1e-12));
  }

  @Test
  void onPolicyWithoutKlTheGradientIsMinusTheAdvantage() {
    double[][] logp = {{-1.0, -0.5}};
    GrpoLoss.Result r = GrpoLoss.of(logp, logp, null, new boolean[][] {{true, true}}, new double[] {2.0},
        new double[] {1.0}, 0.2, 0.0, 4);
    // r = 1 everywhere: loss = -(2 + 2) / (1 * 4), dl/dlogp = -A / (N * Lmax)
    assertThat(r.loss()).isCloseTo(-1.0, within(1e-12));
    assertThat(r.dLogp()[0][0]).isCloseTo(-0.5, within(1e-12));
    assertThat(r.clipFraction()).isZero();
    assertThat(r.meanRatio()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void positiveAdvantageStopsPushingAboveOnePlusEpsilon() {
    double[][] old = {{-1.0, -1.0}};
    double[][] now = {{-1.0 + Math.log(1.5), -1.0 + Math.log(1.1)}}; // r = 1.5 (clipped), 1.1 (not)
    GrpoLoss.Result r = GrpoLoss.of(now, old, null, new boolean[][] {{true, true}}, new double[] {1.0},
        new double[] {1.0}, 0.2, 0.0, 2);
    assertThat(r.dLogp()[0][0]).isZero();
    assertThat(r.dLogp()[0][1]).isCloseTo(-1.1 / 2, within(1e-12));
    assertThat(r.clipFraction()).isCloseTo(0.5, within(1e-12));
    // The clipped token contributes 1.2 * A, not 1.5 * A.
    assertThat(r.loss()).isCloseTo(-(1.2 + 1.1) / 2, within(1e-12));
  }

  @Test
  void negativeAdvantageStopsPushingBelowOneMinusEpsilon() {
    double[][] old = {{-1.0, -1.0}};
    double[][] now = {{-1.0 + Math.log(0.5), -1.0 + Math.log(1.5)}};
    GrpoLoss.Result r = GrpoLoss.of(now, old, null, new boolean[][] {{true, true}}, new double[] {-1.0},
        new double[] {1.0}, 0.2, 0.0, 2);
    assertThat(r.dLogp()[0][0]).isZero(); // r = 0.5 < 0.8 with A < 0: clipped
    assertThat(r.dLogp()[0][1]).isCloseTo(1.5 / 2, within(1e-12)); // r = 1.5 with A < 0: not clipped, pushes down
  }

  @Test
  void klIsZeroAtTheReferenceAndPullsBackTowardsIt() {
    double[][] logp = {{-1.0}};
    GrpoLoss.Result same = GrpoLoss.of(logp, logp, logp, new boolean[][] {{true}}, new double[] {0.0},
        new double[] {1.0}, 0.2, 0.1, 1);
    assertThat(same.kl()).isZero();
    assertThat(same.dLogp()[0][0]).isZero();
    double[][] above = {{-0.5}}; // the policy made the token likelier than the reference does
    GrpoLoss.Result r = GrpoLoss.of(above, above, logp, new boolean[][] {{true}}, new double[] {0.0},
        new double[] {1.0}, 0.2, 0.1, 1);
    assertThat(r.kl()).isGreaterThan(0);
    assertThat(r.dLogp()[0][0]).isGreaterThan(0); // gradient descent lowers logp back towards the reference
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    double[][] old = {{-1.2, -0.7, -2.0}, {-0.3, -1.1, -0.9}};
    double[][] ref = {{-1.0, -0.9, -1.5}, {-0.4, -1.0, -1.2}};
    double[][] now = {{-1.1, -0.75, -1.9}, {-0.35, -1.3, -0.8}};
    boolean[][] mask = {{true, true, false}, {true, true, true}};
    double[] adv = {0.7, -1.3};
    double[] w = {1.0, 0.4};
    GrpoLoss.Result r = GrpoLoss.of(now, old, ref, mask, adv, w, 0.2, 0.05, 5);
    double h = 1e-6;
    for (int i = 0; i < now.length; i++) {
      for (int t = 0; t < now[i].length; t++) {
        double keep = now[i][t];
        now[i][t] = keep + h;
        double up = GrpoLoss.of(now, old, ref, mask, adv, w, 0.2, 0.05, 5).loss();
        now[i][t] = keep - h;
        double down = GrpoLoss.of(now, old, ref, mask, adv, w, 0.2, 0.05, 5).loss();
        now[i][t] = keep;
        assertThat(r.dLogp()[i][t]).as("d/dlogp[%d][%d]", i, t).isCloseTo((up - down) / (2 * h), within(1e-7));
      }
    }
  }

  @Test
  void zeroWeightRemovesACompletion() {
    double[][] logp = {{-1.0}, {-1.0}};
    GrpoLoss.Result r = GrpoLoss.of(logp, logp, logp, new boolean[][] {{true}, {true}}, new double[] {1.0, 5.0},
        new double[] {1.0, 0.0}, 0.2, 0.1, 1);
    assertThat(r.dLogp()[1][0]).isZero();
    assertThat(r.loss()).isCloseTo(-1.0 / 2, within(1e-12));
  }
}
