package dev.manimgrpo.reward.visual;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.VisualRewardConfig;
import java.io.Serializable;

/**
 * How the visual similarity works: {@code reward.visual.*} of the configuration, whose
 * reference.yaml holds every default. Widths are in pixels; the height follows the reference's
 * aspect ratio; 0 means the reference's own (full) size. The candidate is always resized to the
 * reference's size first ({@link FrameResizer}).
 *
 * @param workWidth width of the content-aware score's frames (default 107, 1/8 of Manim's -ql 854)
 * @param study whether vs_study is computed (default off: it is not in the reward and costs most
 *     of a scoring call; evaluation and analysis turn it on)
 * @param studyWidth width of vs_study's frames (default 427, 1/2 of 854; 214 halves the cost of
 *     vs_study, at a rank correlation with full size of about 0.95 instead of 0.99)
 * @param maxFrames longest sequence compared (default 300, 60 s at 5 fps): a longer video is
 *     sampled down to this many frames evenly spread over its length, so that a rollout that
 *     renders for minutes cannot make the O(n * m) comparison run for minutes
 */
public record VisualSimilarityOptions(int workWidth, boolean study, int studyWidth, int maxFrames)
    implements Serializable {

  private static final VisualSimilarityOptions DEFAULTS =
      of(PipelineConfig.defaults().reward().visual());

  public VisualSimilarityOptions {
    if (workWidth < 0 || studyWidth < 0) {
      throw new IllegalArgumentException("widths must be >= 0 (0 = full size), got work " + workWidth
          + ", study " + studyWidth);
    }
    if (maxFrames < 1) {
      throw new IllegalArgumentException("maxFrames must be >= 1, got " + maxFrames);
    }
  }

  /** The options a configuration asks for. */
  public static VisualSimilarityOptions of(VisualRewardConfig config) {
    return new VisualSimilarityOptions(config.workWidth(), config.study(), config.studyWidth(), config.maxFrames());
  }

  /** The configuration's defaults (reference.yaml). */
  public static VisualSimilarityOptions defaults() {
    return DEFAULTS;
  }

  /** These options with vs_study computed or not. */
  public VisualSimilarityOptions withStudy(boolean on) {
    return new VisualSimilarityOptions(workWidth, on, studyWidth, maxFrames);
  }

  /** Both scores at the reference's full size (slow: for checks and for comparing with the study). */
  public static VisualSimilarityOptions fullSize() {
    return new VisualSimilarityOptions(0, true, 0, DEFAULTS.maxFrames());
  }
}
