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
    TrainerConfig trainer,
    EvalConfig eval,
    PreflightConfig preflight) implements java.io.Serializable {

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
    Objects.requireNonNull(eval, "eval");
    Objects.requireNonNull(preflight, "preflight");
    int studyWidth = reward.visual().studyWidth();
    if (reward.visual().study() && render.frameWidth() > 0 && (studyWidth == 0 || render.frameWidth() < studyWidth)) {
      throw new IllegalArgumentException("reward.visual.study is on and vs_study works at reward.visual.study-width="
          + (studyWidth == 0 ? "0 (full size)" : studyWidth + " px") + ", but render.frame-width=" + render.frameWidth()
          + " renders reward frames narrower: set render.frame-width to " + (studyWidth == 0 ? "0" : studyWidth)
          + " (the study's definition) or higher, or lower reward.visual.study-width");
    }
  }

  /** The defaults alone, as written in {@code reference.yaml}. */
  /** The same configuration with another policy section. */
  public PipelineConfig withPolicy(PolicyConfig p) {
    return new PipelineConfig(runtime, render, reward, cache, dataset, output, spark, p, rollout, trainer, eval, preflight);
  }

  /** The same configuration with another rollout section. */
  public PipelineConfig withRollout(RolloutConfig r) {
    return new PipelineConfig(runtime, render, reward, cache, dataset, output, spark, policy, r, trainer, eval, preflight);
  }

  /** The same configuration with another render section. */
  public PipelineConfig withRender(RenderConfig r) {
    return new PipelineConfig(runtime, r, reward, cache, dataset, output, spark, policy, rollout, trainer, eval, preflight);
  }

  /** The same configuration with another reward section. */
  public PipelineConfig withReward(RewardConfig r) {
    return new PipelineConfig(runtime, render, r, cache, dataset, output, spark, policy, rollout, trainer, eval, preflight);
  }

  /** The same configuration with another spark section. */
  public PipelineConfig withSpark(SparkConfig s) {
    return new PipelineConfig(runtime, render, reward, cache, dataset, output, s, policy, rollout, trainer, eval, preflight);
  }

  /** The same configuration with another eval section. */
  public PipelineConfig withEval(EvalConfig e) {
    return new PipelineConfig(runtime, render, reward, cache, dataset, output, spark, policy, rollout, trainer, e, preflight);
  }

  /**
   * The same configuration computing both visual definitions: vs_study turned on, and reward frames
   * rendered at least at vs_study's width (it is defined there; the training default draws
   * narrower). For evaluation and {@code score}, where both numbers are wanted whatever training uses.
   */
  public PipelineConfig withStudyScores() {
    VisualRewardConfig v = reward.visual();
    RewardConfig r = new RewardConfig(reward.textWeight(), reward.visualWeight(), reward.layoutWeight(),
        reward.fusion(), reward.advantage(), reward.advantageEpsilon(), reward.codebertModel(), reward.clipModel(),
        new VisualRewardConfig(v.workWidth(), true, v.studyWidth(), v.maxFrames()));
    RenderConfig frames = render.frameWidth() > 0 && (v.studyWidth() == 0 || render.frameWidth() < v.studyWidth())
        ? render.withFrameWidth(v.studyWidth()) : render;
    return new PipelineConfig(runtime, frames, r, cache, dataset, output, spark, policy, rollout, trainer, eval, preflight);
  }

  public static PipelineConfig defaults() {
    return ConfigLoader.load(null, java.util.Map.of());
  }
}
