package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;

/**
 * What the content-aware score needs of one video at the working size, computed once per video
 * (a reference is prepared once and compared with every rollout of its group).
 *
 * <p>Per video: the background level {@code bg}, the most common gray value over all frames
 * (Manim's black, or whatever background the scene set). Per distinct frame:
 * <ul>
 *   <li>the foreground mask {@code F(p) = |I(p) - bg| > T}, {@code T = }{@link #THRESHOLD};</li>
 *   <li>window statistics for SSIM ({@link WindowStats}) and the foreground density of each SSIM
 *       window, {@code w(x, y) = (1/k^2) sum_{window} F}, used as that window's weight;</li>
 *   <li>the proximity map {@code prox(p) = (1/3) sum_s exp(-d(p) / s)}, {@code d} the distance
 *       to the nearest foreground pixel ({@link DistanceTransform}) and
 *       {@code s} in {@link #SIGMA_FRACTIONS} times the frame width (0.5%, 2%, 7.5%), so that
 *       foreground of another frame lying near this one's counts in part.</li>
 * </ul>
 */
final class ContentFeatures {

  /** Gray levels a pixel must differ from the background by to count as foreground. */
  static final float THRESHOLD = 16f;
  /** Proximity scales as fractions of the frame width. */
  static final double[] SIGMA_FRACTIONS = {0.005, 0.02, 0.075};
  /** SSIM window side as a fraction of the frame width (7 px at 214 px, 5 px at 107 px). */
  static final double WINDOW_FRACTION = 7.0 / 214.0;

  final GraySequence seq;
  final float background;
  final int window;
  final int[] index;
  final WindowStats[] stats;
  final boolean[][] mask;
  final int[] foreground;
  final float[][] weight;
  final int[][] weightBox;
  final float[][] prox;

  private ContentFeatures(GraySequence seq) {
    this.seq = seq;
    int w = seq.width();
    int h = seq.height();
    this.background = background(seq);
    this.window = windowFor(w, h);
    this.index = SsimMatrix.distinctIndex(seq);
    int uniques = 0;
    for (int v : index) {
      uniques = Math.max(uniques, v + 1);
    }
    stats = new WindowStats[uniques];
    mask = new boolean[uniques][];
    foreground = new int[uniques];
    weight = new float[uniques][];
    weightBox = new int[uniques][];
    prox = new float[uniques][];
    double[] sigmas = new double[SIGMA_FRACTIONS.length];
    for (int s = 0; s < sigmas.length; s++) {
      sigmas[s] = SIGMA_FRACTIONS[s] * w;
    }
    double[] table = new double[(w + 1) * (h + 1)];
    for (int i = 0; i < index.length; i++) {
      int u = index[i];
      if (stats[u] == null) {
        float[] frame = seq.frame(i);
        stats[u] = WindowStats.of(frame, w, h, window);
        boolean[] m = new boolean[frame.length];
        float[] mf = new float[frame.length];
        int count = 0;
        for (int p = 0; p < frame.length; p++) {
          if (Math.abs(frame[p] - background) > THRESHOLD) {
            m[p] = true;
            mf[p] = 1f;
            count++;
          }
        }
        mask[u] = m;
        foreground[u] = count;
        weight[u] = density(mf, w, h, stats[u].k, table);
        weightBox[u] = positiveBox(weight[u], stats[u].outWidth, stats[u].outHeight);
        prox[u] = proximity(DistanceTransform.of(m, w, h), sigmas);
      }
    }
  }

  /** Features of {@code seq} (already at the working size). */
  static ContentFeatures of(GraySequence seq) {
    return new ContentFeatures(seq);
  }

  /** Number of frames. */
  int count() {
    return index.length;
  }

  /** The SSIM window for a working frame of {@code width x height}: odd, at least 3. */
  static int windowFor(int width, int height) {
    int k = Math.max(3, (int) Math.round(WINDOW_FRACTION * width) | 1);
    return Math.min(k, Math.min(width, height));
  }

  /** The most common gray value over all frames (rounded to whole levels; ties: the darkest). */
  static float background(GraySequence seq) {
    long[] hist = new long[256];
    for (float[] f : seq.frames()) {
      for (float v : f) {
        hist[Math.max(0, Math.min(255, Math.round(v)))]++;
      }
    }
    return argmax(hist);
  }

  /**
   * The same over raw 8-bit frames, from every other pixel of every other row: the background
   * covers most of a Manim frame, so a quarter of the pixels find the same mode at a quarter of
   * the cost.
   */
  static float background(VideoFrames video) {
    long[] hist = new long[256];
    byte[] g = video.gray();
    int w = video.width();
    int px = w * video.height();
    for (int f = 0; f < video.count(); ) {
      int run = FrameRuns.runLength(video, f);
      for (int y = 0; y < video.height(); y += 2) {
        for (int p = f * px + y * w, end = p + w; p < end; p += 2) {
          hist[g[p] & 0xff] += run;
        }
      }
      f += run;
    }
    return argmax(hist);
  }

  private static int argmax(long[] hist) {
    int best = 0;
    for (int v = 1; v < hist.length; v++) {
      if (hist[v] > hist[best]) {
        best = v;
      }
    }
    return best;
  }

  /** Mean of {@code values} over each {@code k x k} window lying wholly inside the frame. */
  private static float[] density(float[] values, int w, int h, int k, double[] table) {
    WindowStats.integral(values, null, w, h, table);
    int ow = w - k + 1;
    int oh = h - k + 1;
    float[] out = new float[ow * oh];
    double n = (double) k * k;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        out[y * ow + x] = (float) (WindowStats.box(table, w + 1, x, y, k) / n);
      }
    }
    return out;
  }

  private static int[] positiveBox(float[] values, int ow, int oh) {
    int x0 = ow;
    int y0 = oh;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        if (values[y * ow + x] > 0) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    return new int[] {x0, y0, x1, y1};
  }

  private static float[] proximity(float[] distance, double[] sigmas) {
    float[] out = new float[distance.length];
    if (distance.length > 0 && Float.isInfinite(distance[0])) {
      return out;
    }
    for (int p = 0; p < out.length; p++) {
      double s = 0;
      for (double sigma : sigmas) {
        s += Math.exp(-distance[p] / sigma);
      }
      out[p] = (float) (s / sigmas.length);
    }
    return out;
  }
}
