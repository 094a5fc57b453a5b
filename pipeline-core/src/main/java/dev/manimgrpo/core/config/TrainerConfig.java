package dev.manimgrpo.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The policy trainer (SFT and GRPO); see {@code trainer.*} in reference.yaml.
 *
 * @param engine how the policy network is computed: samediff (a SameDiff graph, automatic
 *     differentiation) or nd4j (ND4J array operations with a hand-written backward pass)
 * @param model the transformer's shape
 * @param vocabSize target size of the BPE vocabulary the trainer learns for a new model
 * @param optimizer AdamW and the learning-rate schedule
 * @param sft supervised fine-tuning
 * @param grpo GRPO on rollout shards
 * @param outputDir where runs write checkpoints and metrics (local path or s3a://)
 * @param checkpointEvery steps between checkpoints (the last step is always saved)
 * @param seed seed of initialisation, data order and dropout
 * @param hf training a Hugging Face model instead of the project's own
 */
public record TrainerConfig(Engine engine, ModelShape model, int vocabSize, OptimizerConfig optimizer, SftConfig sft, GrpoConfig grpo,
    String outputDir, int checkpointEvery, long seed, HfConfig hf) implements java.io.Serializable {

  public TrainerConfig {
    if (engine == null || model == null || optimizer == null || sft == null || grpo == null || hf == null) {
      throw new IllegalArgumentException("trainer.engine, trainer.model, trainer.optimizer, trainer.sft, trainer.grpo and"
          + " trainer.hf must be set");
    }
    if (vocabSize < 260) {
      throw new IllegalArgumentException("trainer.vocab-size must be >= 260 (256 bytes + special tokens), got " + vocabSize);
    }
    if (outputDir == null || outputDir.isBlank()) {
      throw new IllegalArgumentException("trainer.output-dir must be a local path or an s3a:// URI");
    }
    if (checkpointEvery < 1) {
      throw new IllegalArgumentException("trainer.checkpoint-every must be >= 1, got " + checkpointEvery);
    }
  }

  /** Shape of a new model ({@code trainer.model.*}); a loaded checkpoint keeps its own. */
  public record ModelShape(int layers, int heads, int width, int contextLength, int mlpMultiplier, double dropout)
      implements java.io.Serializable {
    public ModelShape {
      if (layers < 1 || heads < 1 || width < 1 || contextLength < 2 || mlpMultiplier < 1) {
        throw new IllegalArgumentException("trainer.model: layers, heads, width, mlp-multiplier must be >= 1 and"
            + " context-length >= 2, got " + layers + ", " + heads + ", " + width + ", " + mlpMultiplier + ", " + contextLength);
      }
      if (width % heads != 0) {
        throw new IllegalArgumentException("trainer.model.width (" + width + ") must be a multiple of trainer.model.heads ("
            + heads + ")");
      }
      if (!(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("trainer.model.dropout must be in [0, 1), got " + dropout);
      }
    }
  }

  /** AdamW with linear warm-up and cosine decay ({@code trainer.optimizer.*}). */
  public record OptimizerConfig(double learningRate, int warmupSteps, double minLearningRateFraction, double weightDecay,
      double beta1, double beta2, double gradientClip) implements java.io.Serializable {
    public OptimizerConfig {
      if (!(learningRate > 0) || warmupSteps < 0 || !(minLearningRateFraction >= 0 && minLearningRateFraction <= 1)
          || !(weightDecay >= 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(gradientClip >= 0)) {
        throw new IllegalArgumentException("trainer.optimizer: learning-rate > 0, warmup-steps >= 0, min-learning-rate-fraction"
            + " in [0, 1], weight-decay >= 0, beta1 and beta2 in [0, 1), gradient-clip >= 0 (0 = off)");
      }
    }
  }

  /**
   * Supervised fine-tuning on ManimBench-format data ({@code trainer.sft.*}): completion-only
   * loss, prompt tokens masked.
   */
  public record SftConfig(int steps, int batchSize, String split) implements java.io.Serializable {
    public SftConfig {
      if (steps < 1 || batchSize < 1) {
        throw new IllegalArgumentException("trainer.sft.steps and trainer.sft.batch-size must be >= 1");
      }
      split = split == null ? "train" : split;
      if (!split.equals("train") && !split.equals("test") && !split.equals("all")) {
        throw new IllegalArgumentException("trainer.sft.split must be train, test or all, got '" + split + "'");
      }
    }
  }

  /**
   * GRPO on rollout shards ({@code trainer.grpo.*}).
   *
   * @param clipEpsilon the importance ratio is clipped to [1 - eps, 1 + eps]
   * @param klBeta weight of the KL penalty to the frozen reference policy (0 = off)
   * @param iterations optimisation passes over each batch of groups (mu)
   * @param groupsPerStep rollout groups per optimiser step
   * @param zeroVariance what to do with groups whose rewards are all equal
   * @param zeroVarianceWeight loss weight of such groups when down-weighted
   * @param oldLogprobs where the old policy's log-probs come from
   * @param maxCompletionTokens the constant the Dr.GRPO loss is normalised by
   */
  public record GrpoConfig(double clipEpsilon, double klBeta, int iterations, int groupsPerStep,
      ZeroVariance zeroVariance, double zeroVarianceWeight, OldLogprobs oldLogprobs, int maxCompletionTokens,
      double learningRate) implements java.io.Serializable {
    public GrpoConfig {
      if (!(learningRate > 0)) {
        throw new IllegalArgumentException("trainer.grpo.learning-rate must be > 0, got " + learningRate);
      }
      if (!(clipEpsilon > 0 && clipEpsilon < 1)) {
        throw new IllegalArgumentException("trainer.grpo.clip-epsilon must be in (0, 1), got " + clipEpsilon);
      }
      if (!(klBeta >= 0)) {
        throw new IllegalArgumentException("trainer.grpo.kl-beta must be >= 0, got " + klBeta);
      }
      if (iterations < 1 || groupsPerStep < 1 || maxCompletionTokens < 1) {
        throw new IllegalArgumentException("trainer.grpo.iterations, groups-per-step and max-completion-tokens must be >= 1");
      }
      if (zeroVariance == null || oldLogprobs == null) {
        throw new IllegalArgumentException("trainer.grpo.zero-variance and trainer.grpo.old-logprobs must be set");
      }
      if (!(zeroVarianceWeight >= 0 && zeroVarianceWeight <= 1)) {
        throw new IllegalArgumentException("trainer.grpo.zero-variance-weight must be in [0, 1], got " + zeroVarianceWeight);
      }
    }
  }

  /** This configuration training the Hugging Face model in {@code folder} (the CLI's --base-model). */
  public TrainerConfig withHfBaseModel(String folder) {
    return new TrainerConfig(engine, model, vocabSize, optimizer, sft, grpo, outputDir, checkpointEvery, seed,
        new HfConfig(folder, hf.method(), hf.lora(), hf.gradientCheckpointing(), hf.maxLength(), hf.maxLogprobDrift()));
  }

  /**
   * A Hugging Face model to train ({@code trainer.hf.*}).
   *
   * @param baseModel the model folder (local or s3a://); empty: the project's own model
   * @param method lora (adapters over frozen weights) or full (every weight)
   * @param lora the adapter's shape
   * @param gradientCheckpointing recompute each layer's activations in the backward pass
   * @param maxLength the longest prompt + completion trained on, in tokens
   * @param maxLogprobDrift GRPO stops when the trainer's log-probs of the shard's tokens differ
   *     from the sampler's by more than this, on average per token
   */
  public record HfConfig(String baseModel, Method method, LoraConfig lora, boolean gradientCheckpointing, int maxLength,
      double maxLogprobDrift) implements java.io.Serializable {
    public HfConfig {
      baseModel = baseModel == null ? "" : baseModel.strip();
      if (method == null || lora == null) {
        throw new IllegalArgumentException("trainer.hf.method and trainer.hf.lora must be set");
      }
      if (maxLength < 2) {
        throw new IllegalArgumentException("trainer.hf.max-length must be >= 2, got " + maxLength);
      }
      if (!(maxLogprobDrift > 0)) {
        throw new IllegalArgumentException("trainer.hf.max-logprob-drift must be > 0, got " + maxLogprobDrift);
      }
    }

    /** Whether a Hugging Face model is trained. */
    public boolean enabled() {
      return !baseModel.isEmpty();
    }
  }

  /** A LoRA adapter's shape ({@code trainer.hf.lora.*}), in PEFT's terms. */
  public record LoraConfig(int rank, double alpha, double dropout, java.util.List<String> targetModules)
      implements java.io.Serializable {
    public LoraConfig {
      if (rank < 1 || !(alpha > 0) || !(dropout >= 0 && dropout < 1)) {
        throw new IllegalArgumentException("trainer.hf.lora: rank >= 1, alpha > 0 and dropout in [0, 1), got " + rank
            + ", " + alpha + ", " + dropout);
      }
      if (targetModules == null || targetModules.isEmpty()) {
        throw new IllegalArgumentException("trainer.hf.lora.target-modules: name at least one (q_proj, k_proj, v_proj,"
            + " o_proj, gate_proj, up_proj, down_proj, or all-linear)");
      }
      targetModules = java.util.List.copyOf(targetModules);
    }
  }

  /** What trains in a Hugging Face model. */
  public enum Method {
    LORA, FULL;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static Method fromConfig(String name) {
      return ConfigNames.parse(values(), name, "trainer.hf.method");
    }
  }

  /** Groups flagged zero-variance: skipped, or kept at {@code zero-variance-weight}. */
  public enum ZeroVariance {
    SKIP, DOWN_WEIGHT;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static ZeroVariance fromConfig(String name) {
      return ConfigNames.parse(values(), name, "trainer.grpo.zero-variance");
    }
  }

  /**
   * Where the old policy's per-token log-probs come from: {@code shard} reads the sampler's
   * ({@code old_logprobs}; rows without them are recomputed), {@code recompute} always
   * recomputes them with the policy as loaded, before the batch's first update.
   */
  public enum OldLogprobs {
    SHARD, RECOMPUTE;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static OldLogprobs fromConfig(String name) {
      return ConfigNames.parse(values(), name, "trainer.grpo.old-logprobs");
    }
  }

  /** How the policy network is computed; both engines take the same checkpoints. */
  public enum Engine {
    SAMEDIFF, ND4J;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static Engine fromConfig(String name) {
      return ConfigNames.parse(values(), name, "trainer.engine");
    }
  }
}
