package dev.manimgrpo.reward.visual;

import java.io.Serializable;

/**
 * One candidate's visual similarity to its reference, with every part, so an analyst can see why
 * a rollout scored what it did. All scores lie in [0, 1] and are never NaN.
 *
 * @param score the visual reward: {@code contentScore}, or {@code sqrt(contentScore * clipPart)}
 *     when an {@link ImageEmbedder} is present; 0 for a failed or empty render
 * @param contentScore the content-aware similarity ({@link ContentSimilarity})
 * @param vsStudy the study's SSIM part, {@code exp(-5 * dist / max_len)} ({@link StudyVisualSimilarity}),
 *     or null when it was not asked for ({@link VisualSimilarityOptions#study()})
 * @param clipPart the study's CLIP part ({@link ClipSimilarity}), or null when no embedder is present
 * @param clipPresent whether {@code clipPart} was computed (never invented when absent)
 * @param studyVs the study's full {@code VS = sqrt(vsStudy * clipPart)}, or null without the CLIP part
 *     or without vs_study
 * @param unaligned the content score of the candidate as rendered, before any global offset
 * @param foregroundSsim mean foreground-weighted SSIM along the content alignment
 * @param shape mean shape agreement (foreground F-score with tolerance) along the content alignment
 * @param colour mean colour agreement along the content alignment, or null when either video
 *     had no colour (luma-only frames: the score is then colour-blind)
 * @param offsetX x of the global offset applied to the candidate, in reference pixels
 * @param offsetY y of that offset, in reference pixels
 * @param offsetPenalty the factor that offset cost (1 without offset)
 * @param alignedPairs frame pairs on the content alignment (0 when nothing was compared)
 * @param referenceFrames frames in the reference
 * @param candidateFrames frames in the candidate (0 for a failed render)
 * @param workWidth width the content score worked at, in pixels
 * @param studyWidth width vs_study worked at, in pixels (0 when it was not computed)
 * @param method what was computed: {@code content}, {@code content+clip}, {@code failed-render},
 *     {@code empty-candidate} or {@code empty-reference}, with the sizes
 */
public record VisualSimilarity(
    double score,
    double contentScore,
    Double vsStudy,
    Double clipPart,
    boolean clipPresent,
    Double studyVs,
    double unaligned,
    double foregroundSsim,
    double shape,
    Double colour,
    int offsetX,
    int offsetY,
    double offsetPenalty,
    int alignedPairs,
    int referenceFrames,
    int candidateFrames,
    int workWidth,
    int studyWidth,
    String method) implements Serializable {

  /** Method of a candidate whose render failed (no frames at all). */
  public static final String FAILED_RENDER = "failed-render";
  /** Method of a candidate that rendered zero frames. */
  public static final String EMPTY_CANDIDATE = "empty-candidate";
  /** Method when the reference has zero frames (nothing to compare with). */
  public static final String EMPTY_REFERENCE = "empty-reference";

  public VisualSimilarity {
    if (clipPresent != (clipPart != null)) {
      throw new IllegalArgumentException("clipPresent is " + clipPresent + " but clipPart is " + clipPart);
    }
    if ((clipPart == null || vsStudy == null) && studyVs != null) {
      throw new IllegalArgumentException("studyVs needs the CLIP part and vs_study");
    }
    for (Double v : new Double[] {score, contentScore, vsStudy, clipPart, studyVs, unaligned, foregroundSsim, shape,
        colour, offsetPenalty}) {
      if (v != null && !(v >= 0 && v <= 1)) {
        throw new IllegalArgumentException("visual similarity parts must lie in [0, 1], got " + v);
      }
    }
    if (method == null || method.isBlank()) {
      throw new IllegalArgumentException("method must be set");
    }
  }

  /** The result for a candidate that could not be compared: every score 0. */
  static VisualSimilarity nothing(String method, boolean clipPresent, boolean study, int referenceFrames,
      int candidateFrames, int workWidth, int studyWidth) {
    return new VisualSimilarity(0, 0, study ? 0.0 : null, clipPresent ? 0.0 : null, clipPresent,
        clipPresent && study ? 0.0 : null, 0, 0, 0, null,
        0, 0, 1, 0, referenceFrames, candidateFrames, workWidth, studyWidth, method);
  }
}
