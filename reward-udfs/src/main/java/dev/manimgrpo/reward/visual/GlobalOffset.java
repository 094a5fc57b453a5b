package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The one translation that best lays a candidate's content over the reference's, so that a
 * render whose layout is shifted (another {@code shift}, {@code to_edge}, camera centre) is
 * compared by what it shows instead of scoring as if it showed nothing.
 *
 * <p>With {@code A} and {@code B} the time-averaged foreground of reference and candidate at the
 * reference's full size, {@code A(p) = (1/n) sum_i [|I_i(p) - bg| > T]} ({@link ContentFeatures}'s
 * threshold and background), the offset is
 * <pre>
 *   d* = argmax_{|dx| <= W/8, |dy| <= H/8}  sum_p A(p) * B(p - d)
 * </pre>
 * searched exhaustively on a map at most {@value #COARSE_WIDTH} px wide; (0, 0) and the
 * {@value #PEAKS} highest local maxima there are each refined at every finer level of a pyramid
 * of halvings, within half a coarser pixel, down to half the full size (2 px steps), and the best
 * there wins (the several starts matter for periodic content such as a NumberPlane's grid; the fine
 * levels matter because a residual fraction of a working pixel would cost more than the offset's
 * penalty; 2 px is a quarter of a working pixel at 107 px).
 * Among equal correlations the smallest {@code |d|} wins, so identical layouts give (0, 0).
 * Comparing at an offset multiplies the score by
 * <pre>
 *   penalty(d) = 1 - |d| / (0.5 * sqrt(W^2 + H^2))        (at least 0.75 within the search range)
 * </pre>
 */
final class GlobalOffset {

  /** Largest offset searched, as a fraction of the frame's width and height. */
  static final double SEARCH_FRACTION = 1.0 / 8.0;
  /** The penalty reaches 0 at this fraction of the frame diagonal. */
  static final double PENALTY_DIAGONAL_FRACTION = 0.5;
  /** Widest level searched exhaustively. */
  static final int COARSE_WIDTH = 107;

  private GlobalOffset() {}

  /** A video's time-averaged foreground at (half) full size and at halvings of it, coarsest first. */
  static final class Maps {
    final int[] widths;
    final int[] heights;
    final float[][] levels;
    /** Per level, the bounding box {@code {x0, y0, x1, y1}} (exclusive ends) of the non-zero values. */
    final int[][] support;

    /** Full-size pixels per pixel of the finest level. */
    final int scale;
    private final VideoFrames video;
    private final float background;
    private volatile float[] full;
    private volatile int[] fullSupport;

    private Maps(int[] widths, int[] heights, float[][] levels, int scale, VideoFrames video, float background) {
      this.scale = scale;
      this.video = video;
      this.background = background;
      this.widths = widths;
      this.heights = heights;
      this.levels = levels;
      this.support = new int[levels.length][];
      for (int l = 0; l < levels.length; l++) {
        support[l] = box(levels[l], widths[l], heights[l]);
      }
    }

    /** The bounding box {@code {x0, y0, x1, y1}} (exclusive ends) of the non-zero values. */
    static int[] box(float[] map, int w, int h) {
      int x0 = w;
      int y0 = h;
      int x1 = 0;
      int y1 = 0;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if (map[y * w + x] != 0f) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x + 1);
            y1 = Math.max(y1, y + 1);
          }
        }
      }
      return new int[] {x0, y0, x1, y1};
    }

    /**
     * The maps of {@code video}, whose frames have the reference's size. The finest level is half
     * the frame's size when both sides are even: each of its values is the foreground fraction of a
     * 2x2 block, i.e. exactly the area average of the full-size map, so offsets are found to 2 px
     * (a quarter of a working pixel at 107 px) at a quarter of the cost of full-size maps.
     */
    static Maps of(VideoFrames video) {
      int fw = video.width();
      int fh = video.height();
      int px = fw * fh;
      boolean half = fw % 2 == 0 && fh % 2 == 0 && fw / 2 > COARSE_WIDTH;
      int scale = half ? 2 : 1;
      int w = fw / scale;
      int h = fh / scale;
      float bg = ContentFeatures.background(video);
      byte[] gray = video.gray();
      int[] counts = new int[w * h];
      int level = Math.round(bg);
      int threshold = (int) ContentFeatures.THRESHOLD; // whole gray levels: |v - bg| > T
      for (int f = 0; f < video.count(); ) {
        int run = FrameRuns.runLength(video, f);
        int off = f * px;
        for (int y = 0; y < fh; y++) {
          int row = off + y * fw;
          int out = (y / scale) * w;
          if (scale == 2) {
            for (int x = 0; x < w; x++) {
              int a = (gray[row + 2 * x] & 0xff) - level;
              int b = (gray[row + 2 * x + 1] & 0xff) - level;
              int n = ((a > threshold || a < -threshold) ? 1 : 0) + ((b > threshold || b < -threshold) ? 1 : 0);
              counts[out + x] += n * run;
            }
          } else {
            for (int x = 0; x < fw; x++) {
              int v = (gray[row + x] & 0xff) - level;
              counts[out + x] += (v > threshold || v < -threshold) ? run : 0;
            }
          }
        }
        f += run;
      }
      float[] average = new float[w * h];
      float norm = video.count() > 0 ? (float) video.count() * scale * scale : 1f;
      for (int p = 0; p < average.length; p++) {
        average[p] = counts[p] / norm;
      }
      List<int[]> sizes = new ArrayList<>();
      sizes.add(new int[] {w, h});
      while (sizes.get(sizes.size() - 1)[0] > COARSE_WIDTH && sizes.get(sizes.size() - 1)[0] / 2 >= 1) {
        int[] last = sizes.get(sizes.size() - 1);
        int nw = Math.max(1, last[0] / 2);
        int nh = Math.max(1, (int) Math.round((double) h * nw / w));
        sizes.add(new int[] {nw, nh});
      }
      int n = sizes.size();
      int[] widths = new int[n];
      int[] heights = new int[n];
      float[][] levels = new float[n][];
      for (int i = 0; i < n; i++) {
        int[] s = sizes.get(n - 1 - i);
        widths[i] = s[0];
        heights[i] = s[1];
        levels[i] = i == n - 1 ? average : FrameResizer.resizeFrame(average, w, h, s[0], s[1]);
      }
      return new Maps(widths, heights, levels, scale, video, bg);
    }

    /** The full-size map, computed when first needed (only to refine a non-zero offset). */
    float[] full() {
      float[] f = full;
      if (f == null) {
        synchronized (this) {
          if (full == null) {
            int px = video.width() * video.height();
            int[] counts = new int[px];
            byte[] gray = video.gray();
            int level = Math.round(background);
            int threshold = (int) ContentFeatures.THRESHOLD;
            for (int i = 0; i < video.count(); ) {
              int run = FrameRuns.runLength(video, i);
              int off = i * px;
              for (int p = 0; p < px; p++) {
                int v = (gray[off + p] & 0xff) - level;
                counts[p] += (v > threshold || v < -threshold) ? run : 0;
              }
              i += run;
            }
            float[] out = new float[px];
            float n = Math.max(1, video.count());
            for (int p = 0; p < px; p++) {
              out[p] = counts[p] / n;
            }
            fullSupport = box(out, video.width(), video.height());
            full = out;
          }
          f = full;
        }
      }
      return f;
    }

    int[] fullSupport() {
      full();
      return fullSupport;
    }
  }

  /** The offset {@code {dx, dy}} in full-size pixels that moves the candidate onto the reference. */
  static int[] estimate(Maps ref, Maps cand) {
    int levels = ref.levels.length;
    if (cand.levels.length != levels || cand.scale != ref.scale || cand.widths[levels - 1] != ref.widths[levels - 1]
        || cand.heights[levels - 1] != ref.heights[levels - 1]) {
      throw new IllegalArgumentException("offset maps of different sizes");
    }
    // Periodic content (a NumberPlane's grid) makes several coarse peaks nearly equal; the
    // true one can lose to a neighbour by quantisation, so the best few are all refined.
    // Starts are refined level by level together; one that falls clearly behind the best at a
    // level (below PRUNE of it) is dropped, as are starts that have converged on the same offset.
    List<int[]> starts = peaks(ref, cand);
    double[] values = new double[starts.size()];
    for (int l = 1; l < levels; l++) {
      double top = Double.NEGATIVE_INFINITY;
      java.util.Set<Long> seenHere = new java.util.HashSet<>();
      List<int[]> next = new ArrayList<>();
      List<Double> nextValues = new ArrayList<>();
      for (int[] start : starts) {
        int[] d = refine(ref, cand, l, start);
        if (seenHere.add(((long) d[0] << 32) ^ (d[1] & 0xffffffffL))) {
          double v = correlation(ref, cand, l, d[0], d[1]);
          next.add(d);
          nextValues.add(v);
          top = Math.max(top, v);
        }
      }
      starts = new ArrayList<>();
      List<Double> kept = new ArrayList<>();
      for (int i = 0; i < next.size(); i++) {
        if (nextValues.get(i) >= PRUNE * top) {
          starts.add(next.get(i));
          kept.add(nextValues.get(i));
        }
      }
      values = kept.stream().mapToDouble(Double::doubleValue).toArray();
    }
    if (levels == 1) {
      for (int i = 0; i < starts.size(); i++) {
        values[i] = correlation(ref, cand, 0, starts.get(i)[0], starts.get(i)[1]);
      }
    }
    int[] best = {0, 0};
    double bestValue = Double.NEGATIVE_INFINITY;
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < starts.size(); i++) {
      int[] d = starts.get(i);
      double value = values[i];
      if (!seen.add(((long) d[0] << 32) ^ (d[1] & 0xffffffffL))) {
        continue;
      }
      if (value > bestValue * (1 + 1e-9) + 1e-12
          || (Math.abs(value - bestValue) <= 1e-9 * Math.abs(bestValue) + 1e-12 && Math.hypot(d[0], d[1]) < Math.hypot(best[0], best[1]))) {
        bestValue = value;
        best = d;
      }
    }
    if (ref.scale == 1 || (best[0] == 0 && best[1] == 0)) {
      return new int[] {best[0] * ref.scale, best[1] * ref.scale};
    }
    // A non-zero offset is refined to the pixel on the full-size maps: a residual pixel costs
    // more than the offset's penalty (measured: a 1 px error let a larger shift outscore a
    // smaller one). Identical or well-placed layouts (offset 0) never pay for the full maps.
    int fw = ref.video.width();
    int fh = ref.video.height();
    float[] a = ref.full();
    float[] b = cand.full();
    int[] arg = {best[0] * 2, best[1] * 2};
    double top = Double.NEGATIVE_INFINITY;
    for (int[] d : offsets(best[0] * 2, best[1] * 2, 1, 1)) {
      if (Math.abs(d[0]) > limit(fw) || Math.abs(d[1]) > limit(fh)) {
        continue;
      }
      double v = correlation(a, b, fw, fh, ref.fullSupport(), d[0], d[1]);
      if (v > top * (1 + 1e-9) + 1e-12) {
        top = v;
        arg = d;
      }
    }
    return arg;
  }

  /** A start whose correlation falls below this fraction of the best at a level is not refined further. */
  static final double PRUNE = 0.9;

  /** Coarse peaks tried: (0, 0) and the {@value #PEAKS} highest local maxima of the correlation. */
  static final int PEAKS = 5;

  private static List<int[]> peaks(Maps ref, Maps cand) {
    int w = ref.widths[0];
    int h = ref.heights[0];
    int rx = limit(w);
    int ry = limit(h);
    int cols = 2 * rx + 1;
    int rows = 2 * ry + 1;
    double[] c = new double[cols * rows];
    for (int dy = -ry; dy <= ry; dy++) {
      for (int dx = -rx; dx <= rx; dx++) {
        c[(dy + ry) * cols + dx + rx] = correlation(ref, cand, 0, dx, dy);
      }
    }
    List<int[]> maxima = new ArrayList<>();
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        double v = c[y * cols + x];
        boolean peak = v > 0;
        for (int ny = Math.max(0, y - 1); ny <= Math.min(rows - 1, y + 1) && peak; ny++) {
          for (int nx = Math.max(0, x - 1); nx <= Math.min(cols - 1, x + 1); nx++) {
            if (c[ny * cols + nx] > v) {
              peak = false;
              break;
            }
          }
        }
        if (peak) {
          maxima.add(new int[] {x - rx, y - ry});
        }
      }
    }
    maxima.sort(Comparator.comparingDouble((int[] d) -> -c[(d[1] + ry) * cols + d[0] + rx])
        .thenComparingDouble(d -> Math.hypot(d[0], d[1])));
    List<int[]> out = new ArrayList<>();
    out.add(new int[] {0, 0});
    out.addAll(maxima.subList(0, Math.min(PEAKS, maxima.size())));
    return out;
  }

  /** The best offset at level {@code l} within one coarser pixel of {@code coarse} (from level l-1). */
  private static int[] refine(Maps ref, Maps cand, int l, int[] coarse) {
    double sx = (double) ref.widths[l] / ref.widths[l - 1];
    double sy = (double) ref.heights[l] / ref.heights[l - 1];
    int cx = (int) Math.round(coarse[0] * sx);
    int cy = (int) Math.round(coarse[1] * sy);
    List<int[]> near = new ArrayList<>();
    // A coarse offset exact to half a coarse pixel puts the fine one within s/2 of s * coarse.
    for (int[] o : offsets(cx, cy, (int) Math.ceil(sx / 2), (int) Math.ceil(sy / 2))) {
      if (Math.abs(o[0]) <= limit(ref.widths[l]) && Math.abs(o[1]) <= limit(ref.heights[l])) {
        near.add(o);
      }
    }
    if (near.isEmpty()) {
      near.add(new int[] {0, 0});
    }
    return best(ref, cand, l, near);
  }

  /** {@code penalty(d)} for an offset of {@code (dx, dy)} on a {@code w x h} frame. */
  static double penalty(int dx, int dy, int w, int h) {
    return Math.max(0.0, 1.0 - Math.hypot(dx, dy) / (PENALTY_DIAGONAL_FRACTION * Math.hypot(w, h)));
  }

  /**
   * {@code video} moved by {@code (dx, dy)} pixels, colour included, uncovered pixels set to its
   * background level (and its background colour).
   */
  static VideoFrames translate(VideoFrames video, int dx, int dy) {
    byte[] luma = translatePlanes(video.gray(), video.width(), video.height(), video.count(), dx, dy,
        new byte[] {(byte) ContentFeatures.background(video)});
    byte[] chroma = null;
    if (video.hasColour()) {
      byte[] bg = {(byte) ContentFeatures.background(video.chromaPlane(0)),
          (byte) ContentFeatures.background(video.chromaPlane(1))};
      chroma = translatePlanes(video.chroma(), video.width(), video.height(), 2 * video.count(), dx, dy, bg);
    }
    return new VideoFrames(video.width(), video.height(), video.fps(), video.count(), luma, chroma);
  }

  /** {@code planes} planes of {@code w x h} moved; plane {@code i} is filled with {@code fill[i % fill.length]}. */
  private static byte[] translatePlanes(byte[] src, int w, int h, int planes, int dx, int dy, byte[] fill) {
    byte[] out = new byte[src.length];
    int px = w * h;
    for (int f = 0; f < planes; f++) {
      Arrays.fill(out, f * px, (f + 1) * px, fill[f % fill.length]);
    }
    int x0 = Math.max(0, dx);
    int x1 = Math.min(w, w + dx);
    for (int f = 0; f < planes && x1 > x0; f++) {
      for (int y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
        System.arraycopy(src, (f * h + y - dy) * w + x0 - dx, out, (f * h + y) * w + x0, x1 - x0);
      }
    }
    return out;
  }

  private static int limit(int size) {
    return (int) Math.floor(size * SEARCH_FRACTION);
  }

  private static List<int[]> offsets(int cx, int cy, int rx, int ry) {
    List<int[]> out = new ArrayList<>();
    for (int dy = cy - ry; dy <= cy + ry; dy++) {
      for (int dx = cx - rx; dx <= cx + rx; dx++) {
        out.add(new int[] {dx, dy});
      }
    }
    out.sort(Comparator.comparingDouble(d -> Math.hypot(d[0], d[1])));
    return out;
  }

  private static int[] best(Maps ref, Maps cand, int l, List<int[]> candidates) {
    double best = Double.NEGATIVE_INFINITY;
    int[] arg = {0, 0};
    for (int[] d : candidates) {
      double s = correlation(ref, cand, l, d[0], d[1]);
      if (s > best * (1 + 1e-9) + 1e-12) {
        best = s;
        arg = d;
      }
    }
    return arg;
  }

  /** {@code sum_p a(p) * b(p - d)} over the pixels where both are defined and {@code a} is not 0. */
  private static double correlation(Maps ref, Maps cand, int l, int dx, int dy) {
    return correlation(ref.levels[l], cand.levels[l], ref.widths[l], ref.heights[l], ref.support[l], dx, dy);
  }

  private static double correlation(float[] a, float[] b, int w, int h, int[] box, int dx, int dy) {
    int x0 = Math.max(box[0], Math.max(0, dx));
    int x1 = Math.min(box[2], Math.min(w, w + dx));
    // Four independent sums: one running sum is a chain of dependent additions the CPU cannot
    // overlap; this is the hottest loop of a scoring call.
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int y = Math.max(box[1], Math.max(0, dy)); y < Math.min(box[3], Math.min(h, h + dy)); y++) {
      int ra = y * w;
      int rb = (y - dy) * w - dx;
      int x = x0;
      for (; x + 3 < x1; x += 4) {
        s0 += a[ra + x] * b[rb + x];
        s1 += a[ra + x + 1] * b[rb + x + 1];
        s2 += a[ra + x + 2] * b[rb + x + 2];
        s3 += a[ra + x + 3] * b[rb + x + 3];
      }
      for (; x < x1; x++) {
        s0 += a[ra + x] * b[rb + x];
      }
    }
    return (s0 + s1) + (s2 + s3);
  }
}
