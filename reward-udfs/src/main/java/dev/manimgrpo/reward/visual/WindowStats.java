package dev.manimgrpo.reward.visual;

/**
 * Per-frame statistics over every {@code k x k} box window that lies wholly inside the frame,
 * computed once per frame with summed-area tables so that each pair of frames only needs the
 * cross term.
 *
 * <p>For the window at top-left {@code (x, y)} with {@code N = k*k} pixels:
 * {@code mean = S / N} and {@code var = (S2 - S*S/N) / (N - 1)} (the sample variance, as
 * scikit-image's {@code structural_similarity} uses by default; {@code / N} when {@code N = 1}),
 * where {@code S} and {@code S2} are the window sums of the pixels and of their squares, each read
 * from a summed-area table {@code I(x, y) = sum_{x'<x, y'<y} p(x', y')} as
 * {@code I(x+k, y+k) - I(x, y+k) - I(x+k, y) + I(x, y)}.
 *
 * <p>Also kept: the frame's background level (its most common value) and the bounding box of the
 * windows that are not flat background, which {@link Ssim} uses to skip the empty parts of a
 * Manim frame. A window larger than the frame is shrunk to {@code min(k, width, height)}.
 */
public final class WindowStats {

  final int width;
  final int height;
  final int k;
  final int outWidth;
  final int outHeight;
  final float[] pixels;
  final float[] mean;
  final float[] var;
  /** The frame's most common pixel value (0..255, whole numbers only). */
  final float background;
  /**
   * Bounding box of the window positions that are not flat background ({@code var > 0} or
   * {@code mean != background}), as {@code {x0, y0, x1, y1}} inclusive; {@code x0 > x1} when every
   * window is flat background.
   */
  final int[] busy;

  private WindowStats(int width, int height, int k, float[] pixels) {
    this.width = width;
    this.height = height;
    this.k = k;
    this.outWidth = width - k + 1;
    this.outHeight = height - k + 1;
    this.pixels = pixels;
    int positions = outWidth * outHeight;
    this.mean = new float[positions];
    this.var = new float[positions];
    double[] sum = integral(pixels, null, width, height, new double[(width + 1) * (height + 1)]);
    double[] sq = integral(pixels, pixels, width, height, new double[(width + 1) * (height + 1)]);
    double n = (double) k * k;
    double norm = n > 1 ? n / (n - 1) : 1.0;
    int stride = width + 1;
    this.background = mode(pixels);
    int x0 = outWidth;
    int y0 = outHeight;
    int x1 = -1;
    int y1 = -1;
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        int i = y * outWidth + x;
        double s = box(sum, stride, x, y, k);
        double s2 = box(sq, stride, x, y, k);
        double m = s / n;
        mean[i] = (float) m;
        var[i] = (float) Math.max(0.0, norm * (s2 / n - m * m));
        if (var[i] != 0f || mean[i] != background) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x);
          y0 = Math.min(y0, y);
          y1 = Math.max(y1, y);
        }
      }
    }
    this.busy = new int[] {x0, y0, x1, y1};
  }

  /** The most common whole-number value among {@code pixels} (ties: the lowest), or 0 when none is whole. */
  static float mode(float[] pixels) {
    int[] hist = new int[256];
    for (float v : pixels) {
      if (v >= 0 && v <= 255 && v == (int) v) {
        hist[(int) v]++;
      }
    }
    int best = 0;
    for (int v = 1; v < 256; v++) {
      if (hist[v] > hist[best]) {
        best = v;
      }
    }
    return best;
  }

  /** Statistics of one frame of {@code width x height} values with windows of {@code window} pixels. */
  public static WindowStats of(float[] pixels, int width, int height, int window) {
    if (window <= 0) {
      throw new IllegalArgumentException("window must be >= 1, got " + window);
    }
    if (pixels.length != width * height) {
      throw new IllegalArgumentException(pixels.length + " values for a " + width + "x" + height + " frame");
    }
    return new WindowStats(width, height, Math.min(window, Math.min(width, height)), pixels);
  }

  /** The window side actually used. */
  public int window() {
    return k;
  }

  /** Number of window positions ({@code (width - k + 1) * (height - k + 1)}). */
  public int positions() {
    return outWidth * outHeight;
  }

  /**
   * Summed-area table of {@code a} (or of {@code a * b} when {@code b} is not null) into
   * {@code out}, which has {@code (width + 1) * (height + 1)} cells and a zero first row and column.
   */
  static double[] integral(float[] a, float[] b, int width, int height, double[] out) {
    int stride = width + 1;
    for (int x = 0; x < stride; x++) {
      out[x] = 0;
    }
    for (int y = 0; y < height; y++) {
      double row = 0;
      int src = y * width;
      int prev = y * stride;
      int cur = prev + stride;
      out[cur] = 0;
      if (b == null) {
        for (int x = 0; x < width; x++) {
          row += a[src + x];
          out[cur + x + 1] = out[prev + x + 1] + row;
        }
      } else {
        for (int x = 0; x < width; x++) {
          row += (double) a[src + x] * b[src + x];
          out[cur + x + 1] = out[prev + x + 1] + row;
        }
      }
    }
    return out;
  }

  /** Sum of the {@code k x k} window at top-left {@code (x, y)} from a summed-area table. */
  static double box(double[] table, int stride, int x, int y, int k) {
    int top = y * stride + x;
    int bottom = (y + k) * stride + x;
    return table[bottom + k] - table[bottom] - table[top + k] + table[top];
  }
}
