package dev.manimgrpo.reward.visual;

/**
 * The study's SSIM part of visual similarity ("vs_study"), reproduced as described:
 * <pre>
 *   S[i][j]  = ssim(ref_i, cand_j)                 all pairs, grayscale frames ({@link Ssim})
 *   r_i      = max_j S[i][j]                        row maxima, one per reference frame (n)
 *   c_j      = max_i S[i][j]                        column maxima, one per candidate frame (m)
 *   dist     = DTW(r, c) with local cost |r_i - c_j|  ({@link Dtw}: total cost of the optimal path)
 *   vs_study = exp(-5 * dist / max(n, m))
 * </pre>
 * Interpretations made here: "dist" is the DTW total path cost (the sum of {@code |r_i - c_j|}
 * over the aligned pairs, not divided by the path length), normalised by the study's
 * {@code max_len = max(n, m)}; SSIM is scikit-image's default (7x7 uniform window, sample
 * covariance, {@code data_range = 255}) on the grayscale frames, at whatever size the caller
 * passes (the scorer's default is half size, whose ranking agrees with full size at rho 0.99).
 * <p>Note what the formula measures: how well the two sequences of best-match scores agree, not
 * how high they are. A candidate whose frames all match the reference equally badly still scores
 * high, and a still against a still always scores 1. On the bundled references, a blank candidate
 * of the same length scores 0.785 at the median at half size (0.849 at full size against the
 * Pythagorean-theorem title scene), a recoloured copy 1.000 (see {@link ContentSimilarity} for the
 * default score, which does not reward emptiness). A failed render (no frames) scores 0.
 */
public final class StudyVisualSimilarity {

  /** The study's sharpness constant in {@code exp(-5 * dist / max_len)}. */
  public static final double SHARPNESS = 5.0;

  private StudyVisualSimilarity() {}

  /**
   * vs_study of two sequences of the same frame size.
   *
   * @return the score in [0, 1]; 0 when either sequence is null or empty
   */
  public static double score(GraySequence reference, GraySequence candidate, int window) {
    if (reference == null || candidate == null || reference.count() == 0 || candidate.count() == 0) {
      return 0.0;
    }
    return fromMatrix(SsimMatrix.of(reference, candidate, window));
  }

  /** vs_study from an SSIM matrix {@code S[i][j]} (reference rows, candidate columns). */
  public static double fromMatrix(double[][] s) {
    if (s.length == 0 || s[0].length == 0) {
      return 0.0;
    }
    int n = s.length;
    int m = s[0].length;
    double[] rowMax = new double[n];
    double[] colMax = new double[m];
    java.util.Arrays.fill(rowMax, Double.NEGATIVE_INFINITY);
    java.util.Arrays.fill(colMax, Double.NEGATIVE_INFINITY);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        rowMax[i] = Math.max(rowMax[i], s[i][j]);
        colMax[j] = Math.max(colMax[j], s[i][j]);
      }
    }
    double dist = Dtw.alignAbsolute(rowMax, colMax).cost();
    return Scores.unit(Math.exp(-SHARPNESS * dist / Math.max(n, m)));
  }
}
