package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The study's SSIM part from hand-made SSIM matrices. */
class StudyVisualSimilarityTest {

  @Test
  void agreeingMaximaGiveOne() {
    // row maxima [1, 0.8], column maxima [1, 0.8]: DTW distance 0.
    assertThat(StudyVisualSimilarity.fromMatrix(new double[][] {{1, 0.5}, {0.5, 0.8}})).isEqualTo(1.0);
  }

  @Test
  void distanceIsTheDtwCostOverTheLongerLength() {
    // rows [0.9, 0.7], column [0.9]: cost |0.9-0.9| + |0.7-0.9| = 0.2, max_len 2 -> exp(-5 * 0.2 / 2).
    assertThat(StudyVisualSimilarity.fromMatrix(new double[][] {{0.9}, {0.7}}))
        .isCloseTo(Math.exp(-0.5), within(1e-12));
  }

  @Test
  void aStillAgainstAStillAlwaysScoresOne() {
    // One frame each: the row maximum and the column maximum are the same number, whatever it is.
    // This is the study's formula as stated; the content-aware score does not share the quirk.
    assertThat(StudyVisualSimilarity.fromMatrix(new double[][] {{0.01}})).isEqualTo(1.0);
  }

  @Test
  void failedRenderScoresZero() {
    GraySequence ref = GraySequence.of(Synthetic.scene(64, 36, 3));
    assertThat(StudyVisualSimilarity.score(ref, null, 7)).isZero();
    assertThat(StudyVisualSimilarity.score(ref, new GraySequence(64, 36, new float[0][]), 7)).isZero();
  }

  @Test
  void identicalVideoScoresOne() {
    GraySequence ref = GraySequence.of(Synthetic.scene(128, 72, 6));
    assertThat(StudyVisualSimilarity.score(ref, GraySequence.of(Synthetic.scene(128, 72, 6)), 7)).isEqualTo(1.0);
  }
}
