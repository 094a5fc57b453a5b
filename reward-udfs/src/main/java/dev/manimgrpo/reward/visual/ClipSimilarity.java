package dev.manimgrpo.reward.visual;

import java.util.List;

/**
 * The study's CLIP part of visual similarity, over per-frame image embeddings:
 * <pre>
 *   e_i, f_j   L2-normalised embeddings of reference frame i and candidate frame j
 *   cost       DTW(e, f) with local cost 1 - e_i . f_j      (total cost of the optimal path, {@link Dtw})
 *   clipPart   exp(-cost / max(n, m))
 * </pre>
 * and, with the SSIM part, the study's {@code VS = sqrt(ssimPart * clipPart)}. Embeddings are
 * re-normalised here (a zero vector stays zero, so it matches nothing: cost 1); the local cost is
 * clamped to [0, 2] against rounding, and is exactly 0 for equal embeddings, so an identical video
 * scores exactly 1.
 */
public final class ClipSimilarity {

  private ClipSimilarity() {}

  /** clipPart of two embedding sequences; 0 when either is empty. */
  public static double score(List<float[]> reference, List<float[]> candidate) {
    if (reference.isEmpty() || candidate.isEmpty()) {
      return 0.0;
    }
    float[][] a = normalised(reference);
    float[][] b = normalised(candidate);
    if (a[0].length != b[0].length) {
      throw new IllegalArgumentException("embedding dimensions differ: " + a[0].length + " vs " + b[0].length);
    }
    double cost = Dtw.align(a.length, b.length, (i, j) -> local(a[i], b[j])).cost();
    return Scores.unit(Math.exp(-cost / Math.max(a.length, b.length)));
  }

  /** The study's {@code VS = sqrt(ssimPart * clipPart)}. */
  public static double combine(double ssimPart, double clipPart) {
    return Scores.unit(Math.sqrt(Scores.unit(ssimPart) * Scores.unit(clipPart)));
  }

  static float[][] normalised(List<float[]> embeddings) {
    float[][] out = new float[embeddings.size()][];
    int dim = -1;
    for (int i = 0; i < out.length; i++) {
      float[] e = embeddings.get(i);
      if (e == null || e.length == 0 || (dim >= 0 && e.length != dim)) {
        throw new IllegalArgumentException("embedding " + i + " is " + (e == null ? "null" : e.length + "-dimensional")
            + (dim >= 0 ? ", expected " + dim : ""));
      }
      dim = e.length;
      double norm = 0;
      for (float v : e) {
        norm += (double) v * v;
      }
      norm = Math.sqrt(norm);
      float[] n = new float[e.length];
      if (norm > 0 && Double.isFinite(norm)) {
        for (int k = 0; k < e.length; k++) {
          n[k] = (float) (e[k] / norm);
        }
      }
      out[i] = n;
    }
    return out;
  }

  /** {@code 1 - a.b}, exactly 0 for equal vectors, clamped to [0, 2]. */
  private static double local(float[] a, float[] b) {
    if (java.util.Arrays.equals(a, b)) {
      return 0.0;
    }
    return Math.max(0.0, Math.min(2.0, 1.0 - dot(a, b)));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += (double) a[k] * b[k];
    }
    return s;
  }
}
