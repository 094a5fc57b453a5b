package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.render.VideoFrames;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The default visual similarity: content-aware, so that showing nothing (or one unrelated object)
 * on Manim's black background earns nothing, unlike the study's SSIM part.
 *
 * <p>Frames are compared only where either one shows something. For reference frame {@code a}
 * and candidate frame {@code b} (both at the working size, {@link ContentFeatures}):
 * <pre>
 *   fgSSIM(a, b) = max(0, (sum_x w(x) * ssim_x(a, b) + kappa) / (sum_x w(x) + kappa))
 *                  w(x) = max(wa(x), wb(x)), the foreground density of SSIM window x in a or b
 *                  kappa = 0.002 * (number of windows): two empty frames agree (= 1)
 *   shapeF(a, b) = 2 P R / (P + R)            (1 when both masks are empty, 0 when one is)
 *                  P = mean over candidate foreground pixels of prox_a   (is what b draws near a's?)
 *                  R = mean over reference foreground pixels of prox_b   (is what a draws near b's?)
 *   colour(a, b) = (sum_k v(k) * max(0, 1 - |c_a(k) - c_b(k)|^2 / tau^2) + kappa') / (sum_k v(k) + kappa')
 *                  over colour blocks k (squares of the SSIM window's side), v(k) = min(fa(k), fb(k))
 *                  the foreground share both frames have there, c the block's chromaticity
 *                  ({@link ContentFeatures}), tau = {@value #COLOUR_TOLERANCE}; 1 without colour
 *   s(a, b)      = (fgSSIM + shapeF) / 2 * (1 - {@value #COLOUR_WEIGHT} * (1 - colour))
 * </pre>
 * fgSSIM compares appearance (structure, contrast, brightness) where there is content; shapeF
 * compares the foreground shapes with a tolerance that gives partial credit to content drawn
 * nearby; both see luma only, and Manim's BLUE and GREEN have almost the same luma. colour
 * compares hue and saturation where both frames draw something, and scales the pair down by up
 * to half: the right shape in the wrong colour keeps half its credit, and it never lifts a pair
 * (a blank or unrelated frame shares no block with content, colour 1, and scores what its shape
 * and appearance earn). Then over time:
 * <pre>
 *   DTW over the reference and candidate frames with local cost 1 - s(a_i, b_j)   ({@link Dtw})
 *   content(d) = 1 - cost / pathLength          the mean similarity along the optimal alignment
 *   score      = max(content(0), penalty(d*) * content(d*))
 * </pre>
 * where {@code d*} is the global offset that best lays the candidate's content over the
 * reference's and {@code penalty} is at least 0.75 ({@link GlobalOffset}); {@code content(d)}
 * compares the candidate moved by {@code d}. Identical videos give exactly 1; a blank candidate
 * gets only the share of reference frames that are themselves empty.
 *
 * <p>Symmetry: every per-pair part and DTW are symmetric, so two same-size videos score the same
 * both ways when no offset wins. The offset search is not: it moves the candidate onto the
 * reference (and the penalty is a share of the reference's size), and a candidate of another size
 * is resized onto the reference's frame. That is intended: the reward asks how close a candidate
 * comes to a fixed yardstick, whose features are computed once per group. Measured on the related
 * variants of the 44 bundled references, A against B and B against A differ by up to 0.031, and
 * not at all where neither direction applied an offset ({@code VisualSimilarityRenderTest}).
 *
 * <p>Why these parts (measured on the 44 bundled references and their rendered variants, see
 * {@code VisualSimilarityRenderTest}): fgSSIM alone drops to about 0.1 for a copy whose layout is
 * shifted by half a scene unit, i.e. as low as a blank scene; shapeF alone scores a static
 * {@code Text("Hello")} 0.66 against a centred equation; their mean, after the offset search, keeps
 * every blank or one-object candidate at least 0.22 below every related variant (element removed,
 * layout shifted, colours swapped, time stretched 1.5x) of the same reference, while identical
 * copies score 1 and unrelated references 0.21 at the median.
 */
public final class ContentSimilarity {

  /** {@code kappa} as a fraction of the number of SSIM windows (or colour blocks) in a frame. */
  static final double KAPPA_FRACTION = 0.002;
  /** How much of a pair's similarity colour can take away: a wrong colour keeps half the credit. */
  static final double COLOUR_WEIGHT = 0.5;
  /** Chromaticity distance at which two colours stop agreeing at all (BLUE to GREEN is 0.29). */
  static final double COLOUR_TOLERANCE = 0.2;

  private ContentSimilarity() {}

  /**
   * The content score and its parts.
   *
   * @param score the content-aware similarity in [0, 1]
   * @param unaligned {@code content(0)}, the candidate as rendered
   * @param aligned {@code penalty * content(d*)}, or {@code unaligned} when {@code d* = 0}
   * @param offsetX x of {@code d*} in reference pixels (positive: the candidate's content was moved right)
   * @param offsetY y of {@code d*} in reference pixels (positive: moved down)
   * @param offsetPenalty {@code penalty(d*)}
   * @param foregroundSsim mean fgSSIM along the winning alignment
   * @param shape mean shapeF along the winning alignment
   * @param colour mean colour agreement along the winning alignment; NaN when either video has no colour
   * @param pathLength pairs on the winning alignment
   */
  public record Result(double score, double unaligned, double aligned, int offsetX, int offsetY,
      double offsetPenalty, double foregroundSsim, double shape, double colour, int pathLength)
      implements Serializable {}

  /**
   * What a reference contributes to every comparison, computed once.
   *
   * @param frames the reference's frames
   * @param features its features at the working size
   * @param maps its time-averaged foreground pyramid for the offset search
   */
  record Reference(VideoFrames frames, ContentFeatures features, GlobalOffset.Maps maps, ComparedFrames compared) {

    static Reference of(VideoFrames frames, int workWidth, int workHeight) {
      return new Reference(frames, workingFeatures(frames, workWidth, workHeight), GlobalOffset.Maps.of(frames),
          new ComparedFrames());
    }

    /** The same reference with an empty memo of compared candidate frames. */
    Reference forNewGroup() {
      return new Reference(frames, features, maps, new ComparedFrames());
    }
  }

  /** Features of {@code video} at the working size, colour included when both videos have it. */
  private static ContentFeatures workingFeatures(VideoFrames video, int w, int h) {
    return ContentFeatures.of(FrameResizer.resize(video, w, h), ColourPlanes.of(video, w, h));
  }

  /**
   * Compares a candidate with a reference; both have at least one frame and the candidate has
   * the reference's frame size (see {@link FrameResizer#toSize}).
   */
  static Result compare(Reference ref, VideoFrames candidate) {
    int w = ref.features.seq.width();
    int h = ref.features.seq.height();
    Part base = sequence(ref, workingFeatures(candidate, w, h));
    int[] d = GlobalOffset.estimate(ref.maps, GlobalOffset.Maps.of(candidate));
    if (d[0] == 0 && d[1] == 0) {
      return new Result(base.score, base.score, base.score, 0, 0, 1.0, base.fgSsim, base.shape, base.colour,
          base.pathLength);
    }
    VideoFrames moved = GlobalOffset.translate(candidate, d[0], d[1]);
    Part shifted = sequence(ref, workingFeatures(moved, w, h));
    double penalty = GlobalOffset.penalty(d[0], d[1], ref.frames.width(), ref.frames.height());
    double aligned = penalty * shifted.score;
    Part win = aligned > base.score ? shifted : base;
    return new Result(Scores.unit(Math.max(base.score, aligned)), base.score, aligned, d[0], d[1], penalty,
        win.fgSsim, win.shape, win.colour, win.pathLength);
  }

  private record Part(double score, double fgSsim, double shape, double colour, int pathLength) {}

  private static Part sequence(Reference ref, ContentFeatures b) {
    ContentFeatures a = ref.features;
    int ua = a.stats.length;
    int ub = b.stats.length;
    double[][] fg = new double[ua][ub];
    double[][] sh = new double[ua][ub];
    double[][] co = new double[ua][ub];
    double[][] sim = new double[ua][ub];
    boolean colour = a.colour && b.colour;
    for (int v = 0; v < ub; v++) {
      int vv = v;
      // A frame another candidate of the group showed too (the same opening title, a static
      // tail, the same program) was compared with every reference frame already.
      double[][] row = ref.compared.row(b.digest(v), () -> {
        double[][] r = new double[3][ua];
        for (int u = 0; u < ua; u++) {
          r[0][u] = foregroundSsim(a, u, b, vv);
          r[1][u] = shapeF(a, u, b, vv);
          r[2][u] = colour ? colour(a, u, b, vv) : 1.0;
        }
        return r;
      });
      for (int u = 0; u < ua; u++) {
        fg[u][v] = row[0][u];
        sh[u][v] = row[1][u];
        co[u][v] = row[2][u];
        sim[u][v] = (0.5 * fg[u][v] + 0.5 * sh[u][v]) * (1.0 - COLOUR_WEIGHT * (1.0 - co[u][v]));
      }
    }
    int[] ia = a.index;
    int[] ib = b.index;
    Dtw.Path path = Dtw.alignWithPath(ia.length, ib.length, (i, j) -> 1.0 - sim[ia[i]][ib[j]]);
    double fgSum = 0;
    double shSum = 0;
    double coSum = 0;
    for (int[] step : path.steps()) {
      fgSum += fg[ia[step[0]]][ib[step[1]]];
      shSum += sh[ia[step[0]]][ib[step[1]]];
      coSum += co[ia[step[0]]][ib[step[1]]];
    }
    int len = path.alignment().pathLength();
    return new Part(Scores.unit(1.0 - path.alignment().cost() / len), fgSum / len, shSum / len,
        colour ? coSum / len : Double.NaN, len);
  }

  /**
   * colour of distinct frame {@code u} of {@code a} and {@code v} of {@code b}, in [0, 1]: the
   * agreement of their block chromaticities where both show something, 1 where neither frame has
   * colour or they share no block with foreground.
   */
  static double colour(ContentFeatures a, int u, ContentFeatures b, int v) {
    if (!a.chromatic[u] && !b.chromatic[v]) {
      return 1.0; // gray on gray: every block's chromaticity is 0 on both sides
    }
    float[] fa = a.blockForeground[u];
    float[] fb = b.blockForeground[v];
    float[] cba = a.blockCb[u];
    float[] cra = a.blockCr[u];
    float[] cbb = b.blockCb[v];
    float[] crb = b.blockCr[v];
    double kappa = KAPPA_FRACTION * fa.length;
    double num = kappa;
    double den = kappa;
    double tau2 = COLOUR_TOLERANCE * COLOUR_TOLERANCE;
    for (int i = 0; i < fa.length; i++) {
      float wa = fa[i];
      float wb = fb[i];
      if (wa > 0 && wb > 0) {
        double weight = Math.min(wa, wb);
        double dcb = cba[i] - cbb[i];
        double dcr = cra[i] - crb[i];
        num += weight * Math.max(0.0, 1.0 - (dcb * dcb + dcr * dcr) / tau2);
        den += weight;
      }
    }
    return Scores.unit(num / den);
  }

  /** fgSSIM of distinct frame {@code u} of {@code a} and {@code v} of {@code b}, in [0, 1]. */
  static double foregroundSsim(ContentFeatures a, int u, ContentFeatures b, int v) {
    WindowStats sa = a.stats[u];
    WindowStats sb = b.stats[v];
    if (Arrays.equals(sa.pixels, sb.pixels)) {
      return 1.0;
    }
    double[] sums = Ssim.weightedSums(sa, sb, a.weight[u], b.weight[v], Ssim.union(a.weightBox[u], b.weightBox[v]));
    double kappa = KAPPA_FRACTION * sa.positions();
    // Clamp per pair, not per window: a window of negative SSIM (inverted structure) is as bad as
    // none, which max(0, .) on the weighted mean approximates at a fraction of the cost.
    return Scores.unit((sums[0] + kappa) / (sums[1] + kappa));
  }

  /** shapeF of distinct frame {@code u} of {@code a} and {@code v} of {@code b}, in [0, 1]. */
  static double shapeF(ContentFeatures a, int u, ContentFeatures b, int v) {
    int na = a.foreground[u];
    int nb = b.foreground[v];
    if (na == 0 && nb == 0) {
      return 1.0;
    }
    if (na == 0 || nb == 0) {
      return 0.0;
    }
    boolean[] ma = a.mask[u];
    boolean[] mb = b.mask[v];
    float[] pa = a.prox[u];
    float[] pb = b.prox[v];
    double precision = 0;
    double recall = 0;
    for (int p = 0; p < ma.length; p++) {
      if (mb[p]) {
        precision += pa[p];
      }
      if (ma[p]) {
        recall += pb[p];
      }
    }
    precision /= nb;
    recall /= na;
    return precision + recall <= 0 ? 0.0 : Scores.unit(2 * precision * recall / (precision + recall));
  }
}
