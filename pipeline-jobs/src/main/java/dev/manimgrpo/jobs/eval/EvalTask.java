package dev.manimgrpo.jobs.eval;

import dev.manimgrpo.core.agent.Strategy;
import dev.manimgrpo.jobs.rollout.RolloutPrompt;

/**
 * One cell of the evaluation matrix for one prompt, as it travels to an executor.
 *
 * @param policy the policy's name in the matrix
 * @param stage its training stage
 * @param strategy how it answers
 * @param prompt the task, its reference and its metadata
 */
record EvalTask(String policy, String stage, Strategy strategy, RolloutPrompt prompt) implements java.io.Serializable {

  /** The key a finished sample is found by when a run is resumed. */
  String key() {
    return key(policy, strategy.wireName(), prompt.promptId());
  }

  static String key(String policy, String strategy, String promptId) {
    return policy + "\u0000" + strategy + "\u0000" + promptId;
  }
}
