package dev.manimgrpo.reward.visual;

import java.util.Arrays;

/**
 * Structural similarity (SSIM, Wang et al. 2004) of two grayscale frames of the same size, with a
 * uniform {@code k x k} box window (scikit-image's default; {@code k = 7}).
 *
 * <p>For each window position, with window means {@code mu_a, mu_b}, sample variances
 * {@code var_a, var_b} and sample covariance {@code cov = (S_ab - S_a*S_b/N) / (N - 1)}:
 * <pre>
 *   ssim = ((2 mu_a mu_b + C1) (2 cov + C2)) / ((mu_a^2 + mu_b^2 + C1) (var_a + var_b + C2))
 *   C1 = (0.01 * 255)^2 = 6.5025,   C2 = (0.03 * 255)^2 = 58.5225
 * </pre>
 * The frame's SSIM is the mean over every window lying wholly inside the frame (the same as
 * scikit-image's {@code structural_similarity(a, b, data_range=255)}, which crops the borders its
 * padding touched). Window sums come from summed-area tables ({@link WindowStats}), so the cost is
 * O(pixels) per pair whatever {@code k}; only the cross sum {@code S_ab} is computed per pair, and
 * only inside the union of the two frames' busy boxes: outside it every window is flat background
 * in both frames ({@code var = cov = 0}), where SSIM is exactly the luminance term of the two
 * background levels (1 when they agree), so those windows are counted, not computed. Values lie
 * in [-1, 1]; bitwise-equal frames give exactly 1.
 */
public final class Ssim {

  /** Luminance stabiliser {@code (K1 * L)^2} with {@code K1 = 0.01}, {@code L = 255}. */
  public static final double C1 = Math.pow(0.01 * 255, 2);
  /** Contrast stabiliser {@code (K2 * L)^2} with {@code K2 = 0.03}, {@code L = 255}. */
  public static final double C2 = Math.pow(0.03 * 255, 2);
  /** The default window side, scikit-image's {@code win_size=7}. */
  public static final int DEFAULT_WINDOW = 7;

  private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

  private Ssim() {}

  /** Mean SSIM of two frames of {@code width x height} values with a {@code window x window} box. */
  public static double ssim(float[] a, float[] b, int width, int height, int window) {
    return ssim(WindowStats.of(a, width, height, window), WindowStats.of(b, width, height, window));
  }

  /** Mean SSIM of two frames whose window statistics are already computed. */
  public static double ssim(WindowStats a, WindowStats b) {
    check(a, b);
    if (Arrays.equals(a.pixels, b.pixels)) {
      return 1.0;
    }
    int[] box = union(a.busy, b.busy);
    // Outside both frames' busy boxes every window is flat background in both frames: the
    // covariance and variances are 0 there, so SSIM is the luminance term of the two backgrounds.
    double flat = value(a.background, b.background, 0, 0, 0);
    int inside = area(box);
    double sum = (a.positions() - inside) * flat;
    if (inside > 0) {
      sum += sums(a, b, box, null, null)[0];
    }
    return sum / a.positions();
  }

  /**
   * The SSIM value of every window position, row-major over
   * {@code (width - k + 1) x (height - k + 1)} positions.
   */
  public static float[] map(WindowStats a, WindowStats b) {
    check(a, b);
    float[] out = new float[a.positions()];
    int[] box = {0, 0, a.outWidth - 1, a.outHeight - 1};
    double[] table = crossTable(a, b, box);
    int stride = box[2] - box[0] + a.k + 1;
    double n = (double) a.k * a.k;
    double norm = n > 1 ? n / (n - 1) : 1.0;
    for (int y = 0; y < a.outHeight; y++) {
      for (int x = 0; x < a.outWidth; x++) {
        int i = y * a.outWidth + x;
        out[i] = (float) value(a.mean[i], b.mean[i], a.var[i], b.var[i],
            norm * (WindowStats.box(table, stride, x, y, a.k) / n - (double) a.mean[i] * b.mean[i]));
      }
    }
    return out;
  }

  /**
   * Weighted SSIM sums: {@code {sum_w w * ssim, sum_w w}} over all window positions, with the
   * weight of a position {@code w = max(weightA, weightB)} there. Used by the content-aware score
   * to average SSIM only where either frame shows something. {@code box} bounds the positions
   * where either weight can be positive ({@code {x0, y0, x1, y1}}, inclusive).
   */
  static double[] weightedSums(WindowStats a, WindowStats b, float[] weightA, float[] weightB, int[] box) {
    check(a, b);
    if (area(box) == 0) {
      return new double[] {0, 0};
    }
    return sums(a, b, box, weightA, weightB);
  }

  /** Sums over the positions in {@code box}: {@code {sum ssim, count}} or, with weights, {@code {sum w*ssim, sum w}}. */
  private static double[] sums(WindowStats a, WindowStats b, int[] box, float[] weightA, float[] weightB) {
    double[] table = crossTable(a, b, box);
    int stride = box[2] - box[0] + a.k + 1;
    double n = (double) a.k * a.k;
    double norm = n > 1 ? n / (n - 1) : 1.0;
    double sum = 0;
    double weights = 0;
    for (int y = box[1]; y <= box[3]; y++) {
      for (int x = box[0]; x <= box[2]; x++) {
        int i = y * a.outWidth + x;
        float w = 1f;
        if (weightA != null) {
          w = Math.max(weightA[i], weightB[i]);
          if (w <= 0) {
            continue;
          }
        }
        double cov = norm * (WindowStats.box(table, stride, x - box[0], y - box[1], a.k) / n - (double) a.mean[i] * b.mean[i]);
        sum += w * value(a.mean[i], b.mean[i], a.var[i], b.var[i], cov);
        weights += w;
      }
    }
    return new double[] {sum, weights};
  }

  /** The SSIM formula for one window. */
  static double value(double muA, double muB, double varA, double varB, double cov) {
    return ((2 * muA * muB + C1) * (2 * cov + C2)) / ((muA * muA + muB * muB + C1) * (varA + varB + C2));
  }

  /** The smallest box holding both boxes ({@code {x0, y0, x1, y1}}, inclusive; empty when x0 > x1). */
  static int[] union(int[] p, int[] q) {
    if (area(p) == 0) {
      return q;
    }
    if (area(q) == 0) {
      return p;
    }
    return new int[] {Math.min(p[0], q[0]), Math.min(p[1], q[1]), Math.max(p[2], q[2]), Math.max(p[3], q[3])};
  }

  static int area(int[] box) {
    return box[0] > box[2] || box[1] > box[3] ? 0 : (box[2] - box[0] + 1) * (box[3] - box[1] + 1);
  }

  /**
   * Summed-area table of {@code a * b} over the pixels that the windows at the positions in
   * {@code box} cover, in that region's own coordinates.
   */
  private static double[] crossTable(WindowStats a, WindowStats b, int[] box) {
    int w = box[2] - box[0] + a.k;
    int h = box[3] - box[1] + a.k;
    int stride = w + 1;
    double[] table = SCRATCH.get();
    if (table.length < stride * (h + 1)) {
      table = new double[stride * (h + 1)];
      SCRATCH.set(table);
    }
    Arrays.fill(table, 0, stride, 0.0);
    for (int y = 0; y < h; y++) {
      int src = (box[1] + y) * a.width + box[0];
      int prev = y * stride;
      int cur = prev + stride;
      table[cur] = 0;
      double row = 0;
      for (int x = 0; x < w; x++) {
        row += (double) a.pixels[src + x] * b.pixels[src + x];
        table[cur + x + 1] = table[prev + x + 1] + row;
      }
    }
    return table;
  }

  private static void check(WindowStats a, WindowStats b) {
    if (a.width != b.width || a.height != b.height || a.k != b.k) {
      throw new IllegalArgumentException("frames differ: " + a.width + "x" + a.height + " window " + a.k
          + " vs " + b.width + "x" + b.height + " window " + b.k + "; resize them to a common size first");
    }
  }
}
