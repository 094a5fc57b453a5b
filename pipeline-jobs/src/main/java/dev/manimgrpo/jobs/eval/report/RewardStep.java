package dev.manimgrpo.jobs.eval.report;

import java.util.List;

/**
 * The rewards of one GRPO step's completions, for the report's box plot of how the reward distribution
 * moved during training.
 *
 * @param step the GRPO step
 * @param rewards every completion's reward at that step
 */
public record RewardStep(int step, List<Double> rewards) {

  public RewardStep {
    rewards = rewards == null ? List.of() : List.copyOf(rewards);
  }
}
