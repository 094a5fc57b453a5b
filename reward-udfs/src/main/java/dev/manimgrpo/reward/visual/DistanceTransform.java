package dev.manimgrpo.reward.visual;

/**
 * Exact Euclidean distance transform of a binary mask (Felzenszwalb and Huttenlocher, "Distance
 * Transforms of Sampled Functions", 2012): for every pixel {@code p},
 * {@code d(p) = min over mask pixels q of |p - q|} (Euclidean, in pixels). The squared distance is
 * separable, {@code d^2(x, y) = min_x' ((x - x')^2 + min_y' ((y - y')^2 + f(x', y')))} with
 * {@code f = 0} on the mask and infinity elsewhere, and each 1-D pass is the lower envelope of
 * parabolas, so the whole transform is O(width * height).
 */
public final class DistanceTransform {

  /** The distance given to every pixel of a frame whose mask is empty. */
  public static final float NONE = Float.POSITIVE_INFINITY;

  private static final double INF = 1e20;

  private DistanceTransform() {}

  /**
   * Distance of every pixel to the nearest pixel with {@code mask[i] == true}; {@link #NONE}
   * everywhere when the mask is empty.
   */
  public static float[] of(boolean[] mask, int width, int height) {
    if (mask.length != width * height) {
      throw new IllegalArgumentException(mask.length + " mask values for a " + width + "x" + height + " frame");
    }
    float[] out = new float[mask.length];
    boolean any = false;
    for (boolean b : mask) {
      any |= b;
    }
    if (!any) {
      java.util.Arrays.fill(out, NONE);
      return out;
    }
    int longest = Math.max(width, height);
    double[] f = new double[longest];
    double[] d = new double[longest];
    int[] v = new int[longest];
    double[] z = new double[longest + 1];
    double[] g = new double[mask.length];
    for (int i = 0; i < g.length; i++) {
      g[i] = mask[i] ? 0 : INF;
    }
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        f[y] = g[y * width + x];
      }
      envelope(f, height, d, v, z);
      for (int y = 0; y < height; y++) {
        g[y * width + x] = d[y];
      }
    }
    for (int y = 0; y < height; y++) {
      System.arraycopy(g, y * width, f, 0, width);
      envelope(f, width, d, v, z);
      for (int x = 0; x < width; x++) {
        out[y * width + x] = (float) Math.sqrt(d[x]);
      }
    }
    return out;
  }

  /** One 1-D pass: {@code d[q] = min_p ((q - p)^2 + f[p])} by the lower envelope of parabolas. */
  private static void envelope(double[] f, int n, double[] d, int[] v, double[] z) {
    int k = 0;
    v[0] = 0;
    z[0] = Double.NEGATIVE_INFINITY;
    z[1] = Double.POSITIVE_INFINITY;
    for (int q = 1; q < n; q++) {
      if (f[q] >= INF) {
        continue;
      }
      if (f[v[k]] >= INF) {
        v[k] = q;
        continue;
      }
      double s = intersection(f, q, v[k]);
      while (s <= z[k]) {
        k--;
        s = intersection(f, q, v[k]);
      }
      k++;
      v[k] = q;
      z[k] = s;
      z[k + 1] = Double.POSITIVE_INFINITY;
    }
    if (f[v[0]] >= INF) {
      for (int q = 0; q < n; q++) {
        d[q] = INF;
      }
      return;
    }
    k = 0;
    for (int q = 0; q < n; q++) {
      while (z[k + 1] < q) {
        k++;
      }
      double dq = q - v[k];
      d[q] = dq * dq + f[v[k]];
    }
  }

  private static double intersection(double[] f, int q, int p) {
    return ((f[q] + (double) q * q) - (f[p] + (double) p * p)) / (2.0 * q - 2.0 * p);
  }
}
