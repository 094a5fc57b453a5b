package dev.manimgrpo.core.policy;

import dev.manimgrpo.core.config.PolicyConfig.SamplingConfig;
import java.util.List;
import java.util.Objects;

/**
 * What a policy is asked for: completions of one task prompt, for some rollout indices of its group.
 *
 * @param promptId the sample id of the prompt (part of every completion's seed)
 * @param taskPrompt the task description, before any template
 * @param step the policy step sampling it (part of every completion's seed)
 * @param rolloutIndices which members of the group to sample, usually 0..G-1
 * @param sampling temperature, top-p, min-p, max tokens and the base seed
 */
public record GroupRequest(String promptId, String taskPrompt, int step, List<Integer> rolloutIndices,
    SamplingConfig sampling) {

  public GroupRequest {
    Objects.requireNonNull(promptId, "promptId");
    Objects.requireNonNull(taskPrompt, "taskPrompt");
    Objects.requireNonNull(sampling, "sampling");
    rolloutIndices = List.copyOf(rolloutIndices);
    if (rolloutIndices.isEmpty()) {
      throw new IllegalArgumentException("a group request needs at least one rollout index");
    }
  }

  /** The whole group: indices 0..groupSize-1. */
  public static GroupRequest wholeGroup(String promptId, String taskPrompt, int step, SamplingConfig sampling) {
    return new GroupRequest(promptId, taskPrompt, step,
        java.util.stream.IntStream.range(0, sampling.groupSize()).boxed().toList(), sampling);
  }

  /** The seed of one member of this group. */
  public long seed(int rolloutIndex) {
    return RolloutSeeds.seed(sampling.seed(), promptId, step, rolloutIndex);
  }
}
