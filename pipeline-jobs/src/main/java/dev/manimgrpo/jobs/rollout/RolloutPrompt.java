package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.dataset.ManimBenchSample;

/**
 * One prompt of a step, as it travels to an executor.
 *
 * @param promptId the sample id
 * @param taskPrompt the description the policy is given
 * @param referenceCode the reference program (the visual reward's reference render, the code reward's reference)
 * @param split the sample's split
 * @param difficulty the sample's type
 * @param index the prompt's position in the step's prompt order (verl's extra_info.index)
 */
public record RolloutPrompt(String promptId, String taskPrompt, String referenceCode, String split, String difficulty,
    int index) implements java.io.Serializable {

  public static RolloutPrompt of(ManimBenchSample s, String promptColumn, int index) {
    return new RolloutPrompt(s.sampleId(), s.prompt(promptColumn), s.code(), s.split().name(), s.type().name(), index);
  }
}
