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
  }

  /** The defaults alone, as written in {@code reference.yaml}. */
  public static PipelineConfig defaults() {
    return ConfigLoader.load(null, java.util.Map.of());
  }
}
