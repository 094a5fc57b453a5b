package dev.manimgrpo.reward.visual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** SSIM against hand-computed values and a naive implementation of the same formula. */
class SsimTest {

  @Test
  void constantsAreTheStandardOnes() {
    assertThat(Ssim.C1).isCloseTo(6.5025, within(1e-12));
    assertThat(Ssim.C2).isCloseTo(58.5225, within(1e-12));
  }

  @Test
  void identicalFramesGiveOne() {
    float[] a = random(new Random(1), 20, 15);
    assertThat(Ssim.ssim(a, a.clone(), 20, 15, 7)).isEqualTo(1.0);
  }

  @Test
  void twoFlatFramesGiveTheLuminanceTermOnly() {
    // var = cov = 0: ssim = (2*0*100 + C1) / (0 + 100^2 + C1)
    float[] black = new float[16];
    float[] gray = new float[16];
    java.util.Arrays.fill(gray, 100f);
    assertThat(Ssim.ssim(black, gray, 4, 4, 3)).isCloseTo(Ssim.C1 / (10000 + Ssim.C1), within(1e-12));
  }

  @Test
  void invertedEdgeByHand() {
    // One 2x2 window: a = [0, 0, 255, 255], b = [255, 255, 0, 0]. Equal means 127.5, sample
    // variances 4 * 127.5^2 / 3 = 21675, covariance -21675, so ssim = (C2 - 43350) / (C2 + 43350).
    float[] a = {0, 0, 255, 255};
    float[] b = {255, 255, 0, 0};
    assertThat(Ssim.ssim(a, b, 2, 2, 2)).isCloseTo((Ssim.C2 - 43350) / (Ssim.C2 + 43350), within(1e-9));
  }

  @Test
  void matchesANaiveImplementation() {
    Random rnd = new Random(3);
    for (int t = 0; t < 5; t++) {
      int w = 12 + rnd.nextInt(10);
      int h = 9 + rnd.nextInt(8);
      float[] a = random(rnd, w, h);
      float[] b = random(rnd, w, h);
      for (int k : new int[] {3, 7}) {
        assertThat(Ssim.ssim(a, b, w, h, k)).isCloseTo(naive(a, b, w, h, k), within(1e-6));
      }
    }
  }

  @Test
  void skippingFlatBackgroundChangesNothing() {
    // Content in the middle of a black frame: the busy-box shortcut must equal the full map.
    int w = 40;
    int h = 30;
    Random rnd = new Random(5);
    float[] a = new float[w * h];
    float[] b = new float[w * h];
    for (int y = 10; y < 18; y++) {
      for (int x = 12; x < 25; x++) {
        a[y * w + x] = rnd.nextInt(256);
        b[(y + 2) * w + x + 3] = rnd.nextInt(256);
      }
    }
    WindowStats sa = WindowStats.of(a, w, h, 7);
    WindowStats sb = WindowStats.of(b, w, h, 7);
    float[] map = Ssim.map(sa, sb);
    double mean = 0;
    for (float v : map) {
      mean += v;
    }
    mean /= map.length;
    assertThat(Ssim.ssim(sa, sb)).isCloseTo(mean, within(1e-6));
    assertThat(Ssim.ssim(sa, sb)).isCloseTo(naive(a, b, w, h, 7), within(1e-6));
    assertThat(Ssim.ssim(sa, sb)).isCloseTo(Ssim.ssim(sb, sa), within(1e-12));
  }

  @Test
  void windowLargerThanTheFrameShrinks() {
    float[] a = {10, 20, 30, 40};
    float[] b = {10, 20, 30, 41};
    assertThat(WindowStats.of(a, 2, 2, 7).window()).isEqualTo(2);
    assertThat(Ssim.ssim(a, b, 2, 2, 7)).isCloseTo(naive(a, b, 2, 2, 2), within(1e-6));
  }

  @Test
  void matrixHoldsEveryPairAndReusesRepeatedFrames() {
    Random rnd = new Random(9);
    float[] f0 = random(rnd, 16, 12);
    float[] f1 = random(rnd, 16, 12);
    float[] g0 = random(rnd, 16, 12);
    GraySequence a = new GraySequence(16, 12, new float[][] {f0, f1, f0.clone(), f1});
    GraySequence b = new GraySequence(16, 12, new float[][] {g0, f1.clone()});
    double[][] s = SsimMatrix.of(a, b, 7);
    assertThat(SsimMatrix.distinctIndex(a)).containsExactly(0, 1, 0, 1);
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 2; j++) {
        assertThat(s[i][j]).isCloseTo(naive(a.frame(i), b.frame(j), 16, 12, 7), within(1e-6));
      }
    }
    assertThat(s[1][1]).isEqualTo(1.0);
  }

  static float[] random(Random rnd, int w, int h) {
    float[] f = new float[w * h];
    for (int i = 0; i < f.length; i++) {
      f[i] = rnd.nextInt(256);
    }
    return f;
  }

  /** The SSIM formula window by window, straight from the definition. */
  static double naive(float[] a, float[] b, int w, int h, int k) {
    double total = 0;
    int count = 0;
    double n = k * k;
    for (int y = 0; y + k <= h; y++) {
      for (int x = 0; x + k <= w; x++) {
        double ma = 0;
        double mb = 0;
        for (int dy = 0; dy < k; dy++) {
          for (int dx = 0; dx < k; dx++) {
            ma += a[(y + dy) * w + x + dx];
            mb += b[(y + dy) * w + x + dx];
          }
        }
        ma /= n;
        mb /= n;
        double va = 0;
        double vb = 0;
        double cov = 0;
        for (int dy = 0; dy < k; dy++) {
          for (int dx = 0; dx < k; dx++) {
            double da = a[(y + dy) * w + x + dx] - ma;
            double db = b[(y + dy) * w + x + dx] - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        }
        va /= n - 1;
        vb /= n - 1;
        cov /= n - 1;
        total += ((2 * ma * mb + Ssim.C1) * (2 * cov + Ssim.C2)) / ((ma * ma + mb * mb + Ssim.C1) * (va + vb + Ssim.C2));
        count++;
      }
    }
    return total / count;
  }
}
