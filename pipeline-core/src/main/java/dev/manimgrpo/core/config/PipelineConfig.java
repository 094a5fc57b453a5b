package dev.manimgrpo.core.config;

import java.util.Objects;

/**
 * The whole configuration of a run, read by {@link ConfigLoader}. Every key and its
 * default is written once, in {@code reference.yaml} next to this class.
 */
public record PipelineConfig(
    RuntimeConfig runtime,
    RenderConfig render,
    RewardConfig reward,
    CacheConfig cache,
    DatasetConfig dataset,
    OutputConfig output,
    SparkConfig spark,
    PolicyConfig policy,
    RolloutConfig rollout,
    TrainerConfig trainer) implements java.io.Serializable {

  public PipelineConfig {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(render, "render");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(rollout, "rollout");
    Objects.requireNonNull(trainer, "trainer");
    int studyWidth = reward.visual().studyWidth();
    if (reward.visual().study() && render.frameWidth() > 0 && (studyWidth == 0 || render.frameWidth() < studyWidth)) {
      throw new IllegalArgumentException("reward.visual.study is on and vs_study works at reward.visual.study-width="
          + (studyWidth == 0 ? "0 (full size)" : studyWidth + " px") + ", but render.frame-width=" + render.frameWidth()
          + " renders reward frames narrower: set render.frame-width to " + (studyWidth == 0 ? "0" : studyWidth)
          + " (the study's definition) or higher, or lower reward.visual.study-width");
    }
  }

  /** The defaults alone, as written in {@code reference.yaml}. */
  public static PipelineConfig defaults() {
    return ConfigLoader.load(null, java.util.Map.of());
  }
}
