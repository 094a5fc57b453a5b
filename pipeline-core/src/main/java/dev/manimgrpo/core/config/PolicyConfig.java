package dev.manimgrpo.core.config;

/**
 * The policy that writes Manim code and how it samples; see {@code policy.*} in reference.yaml.
 *
 * @param checkpoint a checkpoint directory (local path or s3a://); empty = the bundled starter policy
 * @param sampling how completions are drawn
 */
public record PolicyConfig(String checkpoint, SamplingConfig sampling) implements java.io.Serializable {

  public PolicyConfig {
    checkpoint = checkpoint == null ? "" : checkpoint.trim();
    if (sampling == null) {
      throw new IllegalArgumentException("policy.sampling must be set");
    }
  }

  /** Whether the bundled starter policy is used. */
  public boolean bundled() {
    return checkpoint.isEmpty();
  }

  /**
   * How completions are sampled ({@code policy.sampling.*}).
   *
   * @param groupSize completions per prompt (G, the GRPO group)
   * @param temperature softmax temperature; 0 = greedy
   * @param topP nucleus mass kept (1 = off)
   * @param minP tokens below minP times the top probability are dropped (0 = off)
   * @param maxTokens most tokens generated per completion
   * @param seed base seed; a prompt's completions are reproducible from it
   */
  public record SamplingConfig(int groupSize, double temperature, double topP, double minP, int maxTokens, long seed)
      implements java.io.Serializable {

    public SamplingConfig {
      if (groupSize < 1) {
        throw new IllegalArgumentException("policy.sampling.group-size must be >= 1, got " + groupSize);
      }
      if (!(temperature >= 0)) {
        throw new IllegalArgumentException("policy.sampling.temperature must be >= 0 (0 = greedy), got " + temperature);
      }
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("policy.sampling.top-p must be in (0, 1], got " + topP);
      }
      if (!(minP >= 0 && minP < 1)) {
        throw new IllegalArgumentException("policy.sampling.min-p must be in [0, 1), got " + minP);
      }
      if (maxTokens < 1) {
        throw new IllegalArgumentException("policy.sampling.max-tokens must be >= 1, got " + maxTokens);
      }
    }
  }
}
