package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a video's features start from: the background level, however the frames repeat. */
class ContentFeaturesTest {

  @Test
  void theBackgroundFromDistinctFramesWeightedByRepeatsIsTheModeOfEveryFrame() {
    Random rnd = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int w = 6 + rnd.nextInt(10);
      int h = 4 + rnd.nextInt(8);
      // a few distinct frames, each repeated a few times, some coming back later (a scene fading back)
      float[][] distinct = new float[1 + rnd.nextInt(4)][];
      for (int d = 0; d < distinct.length; d++) {
        distinct[d] = new float[w * h];
        float level = rnd.nextInt(4) * 40f;
        for (int p = 0; p < distinct[d].length; p++) {
          distinct[d][p] = rnd.nextInt(3) == 0 ? rnd.nextFloat() * 255f : level + rnd.nextFloat() * 0.8f;
        }
      }
      float[][] frames = new float[1 + rnd.nextInt(12)][];
      for (int i = 0; i < frames.length; i++) {
        frames[i] = distinct[rnd.nextInt(distinct.length)].clone();
      }
      GraySequence seq = new GraySequence(w, h, frames);
      int[] index = SsimMatrix.distinctIndex(seq);

      assertThat(ContentFeatures.background(seq, index)).as("trial %d", trial)
          .isEqualTo(ContentFeatures.background(seq));
    }
  }

  @Test
  void aFrameShownManyTimesOutweighsOneShownOnce() {
    float[] dark = new float[16];
    float[] light = new float[16];
    java.util.Arrays.fill(light, 200f);
    light[0] = 0f; // one dark pixel in the light frame
    GraySequence seq = new GraySequence(4, 4, new float[][] {light, light.clone(), light.clone(), dark});

    // 3 x 15 light pixels against 16 + 3 dark ones; each distinct frame counted once would give 15 against 17
    assertThat(ContentFeatures.background(seq, SsimMatrix.distinctIndex(seq))).isEqualTo(200f);
  }
}
