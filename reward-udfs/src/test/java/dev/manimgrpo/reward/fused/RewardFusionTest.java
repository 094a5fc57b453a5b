package dev.manimgrpo.reward.fused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RewardConfig.Fusion;
import org.junit.jupiter.api.Test;

class RewardFusionTest {

  @Test
  void theStudysArithmeticDefault() {
    RewardFusion f = RewardFusion.of(PipelineConfig.defaults().reward());
    FusedReward r = f.fuse(0.5, 0.75, true);
    assertThat(r.reward()).isCloseTo(0.2 * 0.5 + 0.8 * 0.75, offset(1e-12));
    assertThat(r.fusion()).isEqualTo(Fusion.ARITHMETIC);
    assertThat(r.textReward()).isEqualTo(0.5);
    assertThat(r.visualReward()).isEqualTo(0.75);
  }

  @Test
  void aFailedRenderKeepsItsTextPartInBothModes() {
    for (Fusion mode : Fusion.values()) {
      FusedReward r = new RewardFusion(0.2, 0.8, mode).fuse(0.6, 0.9, false);
      assertThat(r.reward()).as(mode.name()).isCloseTo(0.12, offset(1e-12));
      assertThat(r.visualReward()).isZero();
      assertThat(r.renderSucceeded()).isFalse();
    }
  }

  @Test
  void geometricIsAWeightedGeometricMean() {
    // 0.5^0.2 * 0.8^0.8 = 0.870550563 * 0.836511642 = 0.728230
    assertThat(new RewardFusion(0.2, 0.8, Fusion.GEOMETRIC).fuse(0.5, 0.8, true).reward())
        .isCloseTo(Math.pow(0.5, 0.2) * Math.pow(0.8, 0.8), offset(1e-12));
    assertThat(new RewardFusion(1, 1, Fusion.GEOMETRIC).fuse(0.25, 1.0, true).reward()).isCloseTo(0.5, offset(1e-12));
    assertThat(new RewardFusion(0.2, 0.8, Fusion.GEOMETRIC).fuse(0.0, 0.9, true).reward()).isZero();
  }

  @Test
  void outOfRangeAndNaNPartsNeverLeakOut() {
    RewardFusion f = new RewardFusion(0.2, 0.8, Fusion.ARITHMETIC);
    assertThat(f.fuse(Double.NaN, 2.0, true).reward()).isCloseTo(0.8, offset(1e-12));
    assertThat(f.fuse(-1, Double.NaN, true).reward()).isZero();
    assertThat(new RewardFusion(0.2, 0.8, Fusion.GEOMETRIC).fuse(Double.NaN, Double.NaN, true).reward()).isZero();
  }

  @Test
  void layoutIsAWeightedPartThatDefaultsToNoEffect() {
    RewardFusion study = RewardFusion.of(PipelineConfig.defaults().reward());
    assertThat(study.fuse(0.5, 0.75, 0.0, true).reward()).isCloseTo(0.2 * 0.5 + 0.8 * 0.75, offset(1e-12));
    RewardFusion withLayout = new RewardFusion(0.2, 0.6, 0.2, Fusion.ARITHMETIC);
    assertThat(withLayout.fuse(0.5, 0.75, 0.5, true).reward()).isCloseTo(0.1 + 0.45 + 0.1, offset(1e-12));
    assertThat(withLayout.fuse(0.5, 0.75, null, true).layoutReward()).isEqualTo(1.0); // not measured: no penalty
    assertThat(withLayout.fuse(0.5, 0.75, 0.5, false).reward()).isCloseTo(0.1, offset(1e-12));
    // weights are normalised by their sum: doubling all of them changes nothing
    assertThat(new RewardFusion(0.4, 1.2, 0.4, Fusion.ARITHMETIC).fuse(0.5, 0.75, 0.5, true).reward())
        .isCloseTo(0.65, offset(1e-12));
  }

  @Test
  void badWeightsAreRefused() {
    assertThatThrownBy(() -> new RewardFusion(0, 0, Fusion.ARITHMETIC)).hasMessageContaining("not all 0");
    assertThatThrownBy(() -> new RewardFusion(-0.1, 1, Fusion.ARITHMETIC)).hasMessageContaining(">= 0");
  }
}
