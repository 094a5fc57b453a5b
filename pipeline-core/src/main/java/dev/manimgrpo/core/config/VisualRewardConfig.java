package dev.manimgrpo.core.config;

/**
 * How the visual similarity is computed; see {@code reward.visual.*} in reference.yaml.
 *
 * @param workWidth width in pixels the content-aware score works at (the height follows the
 *     reference's aspect ratio; 0 = the reference's full size)
 * @param study whether the study's vs_study is computed as well (for comparison with the study;
 *     it costs most of a scoring call and is not part of the default reward)
 * @param studyWidth width in pixels vs_study works at (0 = full size)
 * @param maxFrames longest frame sequence compared; longer videos are sampled down evenly
 */
public record VisualRewardConfig(int workWidth, boolean study, int studyWidth, int maxFrames)
    implements java.io.Serializable {

  public VisualRewardConfig {
    if (workWidth < 0) {
      throw new IllegalArgumentException("reward.visual.work-width must be >= 0 (0 = full size), got " + workWidth);
    }
    if (studyWidth < 0) {
      throw new IllegalArgumentException("reward.visual.study-width must be >= 0 (0 = full size), got " + studyWidth);
    }
    if (maxFrames < 1) {
      throw new IllegalArgumentException("reward.visual.max-frames must be >= 1, got " + maxFrames);
    }
  }
}
