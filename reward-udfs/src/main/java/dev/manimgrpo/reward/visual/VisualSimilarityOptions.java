package dev.manimgrpo.reward.visual;

import java.io.Serializable;

/**
 * How the visual similarity works. Widths are in pixels; the height follows the reference's
 * aspect ratio; 0 means the reference's own (full) size. The candidate is always resized to the
 * reference's size first ({@link FrameResizer}).
 *
 * @param workWidth width of the content-aware score's frames (default {@value #DEFAULT_WORK_WIDTH},
 *     1/8 of Manim's -ql 854)
 * @param studyWidth width of vs_study's frames (default {@value #DEFAULT_STUDY_WIDTH}, 1/2 of 854;
 *     214 halves the cost of a scoring call, at a rank correlation with full size of about 0.95
 *     instead of 0.99)
 * @param maxFrames longest sequence compared (default {@value #DEFAULT_MAX_FRAMES}, 60 s at 5 fps):
 *     a longer video is sampled down to this many frames evenly spread over its length, so that a
 *     rollout that renders for minutes cannot make the O(n * m) comparison run for minutes
 */
public record VisualSimilarityOptions(int workWidth, int studyWidth, int maxFrames) implements Serializable {

  /** Default width of the content-aware score: 1/8 of 854. */
  public static final int DEFAULT_WORK_WIDTH = 107;
  /** Default width of vs_study: 1/2 of 854. */
  public static final int DEFAULT_STUDY_WIDTH = 427;
  /** Default cap on the frames of one sequence. */
  public static final int DEFAULT_MAX_FRAMES = 300;

  public VisualSimilarityOptions {
    if (workWidth < 0 || studyWidth < 0) {
      throw new IllegalArgumentException("widths must be >= 0 (0 = full size), got work " + workWidth
          + ", study " + studyWidth);
    }
    if (maxFrames < 1) {
      throw new IllegalArgumentException("maxFrames must be >= 1, got " + maxFrames);
    }
  }

  /** The downscaled defaults. */
  public static VisualSimilarityOptions defaults() {
    return new VisualSimilarityOptions(DEFAULT_WORK_WIDTH, DEFAULT_STUDY_WIDTH, DEFAULT_MAX_FRAMES);
  }

  /** Both scores at the reference's full size (slow: for checks and for comparing with the study). */
  public static VisualSimilarityOptions fullSize() {
    return new VisualSimilarityOptions(0, 0, DEFAULT_MAX_FRAMES);
  }
}
