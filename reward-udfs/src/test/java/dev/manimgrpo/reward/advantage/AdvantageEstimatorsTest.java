package dev.manimgrpo.reward.advantage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.manimgrpo.core.config.RewardConfig.Advantage;
import org.junit.jupiter.api.Test;

class AdvantageEstimatorsTest {

  static final double EPS = 1e-6;
  // rewards [1, 0, 0.5, 0.5]: mean 0.5, sample std sqrt((0.25 + 0.25) / 3) = 0.4082483
  static final double[] R = {1, 0, 0.5, 0.5};

  @Test
  void grpoByHand() {
    double s = 0.4082482904638631 + EPS;
    assertThat(AdvantageEstimators.compute(Advantage.GRPO, R, EPS))
        .containsExactly(new double[] {0.5 / s, -0.5 / s, 0, 0}, offset(1e-9));
  }

  @Test
  void drGrpoByHand() {
    assertThat(AdvantageEstimators.compute(Advantage.DR_GRPO, R, EPS)).containsExactly(new double[] {0.5, -0.5, 0, 0}, offset(1e-12));
  }

  @Test
  void rlooByHand() {
    // r_1 - mean(0, .5, .5) = 1 - 1/3; r_2 - mean(1, .5, .5) = -2/3; r_3 - mean(1, 0, .5) = 0
    assertThat(AdvantageEstimators.compute(Advantage.RLOO, R, EPS))
        .containsExactly(new double[] {2.0 / 3, -2.0 / 3, 0, 0}, offset(1e-12));
  }

  @Test
  void aGroupOfOneHasNoBaselineAndIsFlagged() {
    for (Advantage a : Advantage.values()) {
      assertThat(AdvantageEstimators.compute(a, new double[] {0.7}, EPS)).containsExactly(0.0);
    }
    assertThat(AdvantageEstimators.zeroVariance(new double[] {0.7})).isTrue();
  }

  @Test
  void allEqualRewardsGiveZeroAndAreFlagged() {
    double[] same = {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
    for (Advantage a : Advantage.values()) {
      assertThat(AdvantageEstimators.compute(a, same, EPS)).containsOnly(0.0);
    }
    assertThat(AdvantageEstimators.zeroVariance(same)).isTrue();
    assertThat(AdvantageEstimators.zeroVariance(R)).isFalse();
  }

  @Test
  void advantagesSumToZeroInAGroup() {
    double[] r = {0.91, 0.13, 0.55, 0.0, 0.72, 0.33, 0.33, 1.0};
    for (Advantage a : Advantage.values()) {
      double sum = 0;
      for (double x : AdvantageEstimators.compute(a, r, EPS)) {
        sum += x;
      }
      assertThat(sum).as(a.name()).isCloseTo(0.0, offset(1e-9));
    }
  }
}
