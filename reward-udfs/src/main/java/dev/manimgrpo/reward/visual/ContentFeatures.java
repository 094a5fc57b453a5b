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
 *       foreground of another frame lying near this one's counts in part;</li>
 *   <li>when the video has colour, its colour per block: the frame is cut into square blocks of
 *       the SSIM window's side, and each block with foreground gets its chromaticity
 *       {@code (sum dCb, sum dCr) / sum (|dY| + |dCb| + |dCr|)} over its foreground pixels, where
 *       {@code d} is the difference to the background colour (the most common Cb and Cr, as for
 *       luma). Anti-aliasing mixes an object's colour with the background,
 *       {@code p = alpha * ink + (1 - alpha) * bg}, so {@code p - bg = alpha * (ink - bg)}: the
 *       ratio cancels alpha, and a thin blue line has the chromaticity of a blue disc. White and
 *       gray ink have chromaticity 0; Manim's BLUE (0.12, -0.22), GREEN (-0.16, -0.11).</li>
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
  /** Whether the video had colour; without it every colour comparison is neutral. */
  final boolean colour;
  /** Side of a colour block in pixels, and blocks per row and per column. */
  final int block;
  final int blocksX;
  final int blocksY;
  /** Per distinct frame and block: foreground pixels in it, as a fraction of the block. */
  final float[][] blockForeground;
  /** Per distinct frame and block: the chromaticity's Cb and Cr parts (0 where no foreground). */
  final float[][] blockCb;
  final float[][] blockCr;
  /** Per distinct frame: whether any block has a chromaticity away from gray (else all are 0). */
  final boolean[] chromatic;
  /** The colour planes at the working size, or null. */
  final ColourPlanes planes;
  final float backgroundCb;
  final float backgroundCr;

  private ContentFeatures(GraySequence seq, ColourPlanes planes) {
    this.seq = seq;
    int w = seq.width();
    int h = seq.height();
    this.window = windowFor(w, h);
    this.colour = planes != null;
    this.index = colour ? SsimMatrix.distinctIndex(seq, planes.cb(), planes.cr()) : SsimMatrix.distinctIndex(seq);
    this.background = background(seq, index);
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
    block = window;
    blocksX = (w + block - 1) / block;
    blocksY = (h + block - 1) / block;
    blockForeground = new float[uniques][];
    blockCb = new float[uniques][];
    blockCr = new float[uniques][];
    chromatic = new boolean[uniques];
    this.planes = planes;
    this.backgroundCb = colour ? background(planes.cb(), index) : 0;
    this.backgroundCr = colour ? background(planes.cr(), index) : 0;
    float bgCb = backgroundCb;
    float bgCr = backgroundCr;
    double[] sigmas = new double[SIGMA_FRACTIONS.length];
    for (int s = 0; s < sigmas.length; s++) {
      sigmas[s] = SIGMA_FRACTIONS[s] * w;
    }
    double[] table = new double[(w + 1) * (h + 1)];
    float[] proxTable = proximityTable(w, h, sigmas);
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
        prox[u] = proximity(DistanceTransform.of(m, w, h), sigmas, proxTable);
        if (colour) {
          blocks(u, frame, m, planes.cb().frame(i), planes.cr().frame(i), bgCb, bgCr);
        }
      }
    }
  }

  /** Features of {@code seq} (already at the working size), without colour. */
  static ContentFeatures of(GraySequence seq) {
    return new ContentFeatures(seq, null);
  }

  /** Features of {@code seq} and its colour {@code planes} (null: none), both at the working size. */
  static ContentFeatures of(GraySequence seq, ColourPlanes planes) {
    return new ContentFeatures(seq, planes);
  }

  /**
   * What distinct frame {@code u}'s features follow from, as a SHA-256 digest: its pixels at the
   * working size (luma and colour) and the video's background. Two frames with the same digest
   * have the same features and compare alike with any reference frame, whatever video they are in.
   */
  byte[] digest(int u) {
    int i = 0;
    while (index[i] != u) {
      i++;
    }
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * seq.pixels() + 32);
      buf.putInt(seq.width()).putInt(seq.height()).putFloat(background).putFloat(backgroundCb).putFloat(backgroundCr)
          .put((byte) (colour ? 1 : 0));
      sha.update(buf.array(), 0, buf.position());
      update(sha, buf, seq.frame(i));
      if (colour) {
        update(sha, buf, planes.cb().frame(i));
        update(sha, buf, planes.cr().frame(i));
      }
      return sha.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void update(java.security.MessageDigest sha, java.nio.ByteBuffer buf, float[] values) {
    buf.clear();
    buf.asFloatBuffer().put(values);
    sha.update(buf.array(), 0, 4 * values.length);
  }

  /** Chromaticity below this (in either part) counts as gray: rounding, not colour. */
  static final float GRAY_CHROMATICITY = 0.02f;

  private void blocks(int u, float[] y, boolean[] mask, float[] cb, float[] cr, float bgCb, float bgCr) {
    int w = seq.width();
    int h = seq.height();
    float[] fg = new float[blocksX * blocksY];
    float[] sumCb = new float[fg.length];
    float[] sumCr = new float[fg.length];
    float[] strength = new float[fg.length];
    for (int py = 0; py < h; py++) {
      int row = (py / block) * blocksX;
      for (int px = 0; px < w; px++) {
        int p = py * w + px;
        if (mask[p]) {
          int b = row + px / block;
          float dcb = cb[p] - bgCb;
          float dcr = cr[p] - bgCr;
          fg[b] += 1;
          sumCb[b] += dcb;
          sumCr[b] += dcr;
          strength[b] += Math.abs(y[p] - background) + Math.abs(dcb) + Math.abs(dcr);
        }
      }
    }
    boolean any = false;
    float area = (float) block * block;
    for (int b = 0; b < fg.length; b++) {
      if (fg[b] > 0) {
        sumCb[b] /= strength[b];
        sumCr[b] /= strength[b];
        any |= Math.abs(sumCb[b]) > GRAY_CHROMATICITY || Math.abs(sumCr[b]) > GRAY_CHROMATICITY;
        fg[b] /= area;
      }
    }
    blockForeground[u] = fg;
    blockCb[u] = sumCb;
    blockCr[u] = sumCr;
    chromatic[u] = any;
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

  /**
   * The most common gray value over all frames (rounded to whole levels; ties: the darkest): the
   * definition, pixel by pixel, that the features' faster {@link #background(GraySequence, int[])}
   * is held to by its test.
   */
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
   * The same mode, each distinct frame counted once and weighted by how often it occurs
   * ({@code index}: frame to distinct frame, every plane equal within one): the same histogram,
   * without a pass over the repeats of a {@code wait()} or a still tail.
   */
  static float background(GraySequence seq, int[] index) {
    int[] times = new int[seq.count()];
    int[] first = new int[seq.count()];
    java.util.Arrays.fill(first, -1);
    for (int i = 0; i < index.length; i++) {
      times[index[i]]++;
      if (first[index[i]] < 0) {
        first[index[i]] = i;
      }
    }
    long[] hist = new long[256];
    for (int u = 0; u < times.length && times[u] > 0; u++) {
      for (float v : seq.frame(first[u])) {
        hist[Math.max(0, Math.min(255, Math.round(v)))] += times[u];
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

  /**
   * The proximity map. A distance is the square root of a whole number (squared pixel offsets), so
   * the map is a lookup in a table over squared distances, computed once per frame size: the same
   * values as evaluating the exponentials per pixel, a fraction of the cost.
   */
  private static float[] proximity(float[] distance, double[] sigmas, float[] table) {
    float[] out = new float[distance.length];
    if (distance.length > 0 && Float.isInfinite(distance[0])) {
      return out;
    }
    for (int p = 0; p < out.length; p++) {
      float d = distance[p];
      out[p] = table[Math.round(d * d)];
    }
    return out;
  }

  /**
   * Proximity by squared distance for frames of {@code w x h}, cached by size. Bounded: the SQL
   * function takes frames of any size, and at full size (work-width 0) a table is as large as the
   * squared diagonal, so past {@link #PROXIMITY_TABLES_KEPT} sizes the cache starts over.
   */
  private static float[] proximityTable(int w, int h, double[] sigmas) {
    if (PROXIMITY_TABLES.size() >= PROXIMITY_TABLES_KEPT) {
      PROXIMITY_TABLES.clear();
    }
    return PROXIMITY_TABLES.computeIfAbsent((long) w << 32 | h, k -> {
      int max = (w - 1) * (w - 1) + (h - 1) * (h - 1);
      float[] t = new float[max + 1];
      for (int d2 = 0; d2 <= max; d2++) {
        float d = (float) Math.sqrt(d2); // what DistanceTransform returns for that squared distance
        double s = 0;
        for (double sigma : sigmas) {
          s += Math.exp(-d / sigma);
        }
        t[d2] = (float) (s / sigmas.length);
      }
      return t;
    });
  }

  private static final int PROXIMITY_TABLES_KEPT = 8;
  private static final java.util.Map<Long, float[]> PROXIMITY_TABLES = new java.util.concurrent.ConcurrentHashMap<>();
}
