package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The exact Euclidean distance transform against brute force. */
class DistanceTransformTest {

  @Test
  void singlePixel() {
    boolean[] m = new boolean[5 * 4];
    m[1 * 5 + 2] = true;
    float[] d = DistanceTransform.of(m, 5, 4);
    assertThat(d[1 * 5 + 2]).isZero();
    assertThat(d[1 * 5 + 4]).isEqualTo(2f);
    assertThat(d[3 * 5 + 0]).isCloseTo((float) Math.sqrt(8), within(1e-6f));
  }

  @Test
  void emptyMaskIsInfinitelyFar() {
    float[] d = DistanceTransform.of(new boolean[6], 3, 2);
    assertThat(d).containsOnly(DistanceTransform.NONE);
  }

  @Test
  void matchesBruteForce() {
    Random rnd = new Random(11);
    for (int t = 0; t < 20; t++) {
      int w = 1 + rnd.nextInt(15);
      int h = 1 + rnd.nextInt(12);
      boolean[] m = new boolean[w * h];
      m[rnd.nextInt(m.length)] = true;
      for (int i = 0; i < m.length; i++) {
        m[i] |= rnd.nextInt(10) == 0;
      }
      float[] d = DistanceTransform.of(m, w, h);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double best = Double.POSITIVE_INFINITY;
          for (int q = 0; q < m.length; q++) {
            if (m[q]) {
              best = Math.min(best, Math.hypot(x - q % w, y - q / w));
            }
          }
          assertThat((double) d[y * w + x]).isCloseTo(best, within(1e-5));
        }
      }
    }
  }
}
