package dev.manimgrpo.jobs.spark;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.reward.rollout.PreparedReferences;
import dev.manimgrpo.reward.rollout.RolloutScorer;

/**
 * The executor's scorer and the references it has prepared ({@link PreparedReferences}), kept
 * across tasks and jobs of one reward configuration and budget ({@code
 * rollout.prepared-references-mb}); another configuration starts afresh.
 */
public final class ExecutorScoring {

  private static RewardConfig owner;
  private static long ownerBudget = -1;
  private static RolloutScorer scorer;
  private static PreparedReferences prepared;

  private ExecutorScoring() {}

  public static synchronized RolloutScorer scorer(PipelineConfig config) {
    own(config);
    return scorer;
  }

  public static synchronized PreparedReferences preparedReferences(PipelineConfig config) {
    own(config);
    return prepared;
  }

  private static void own(PipelineConfig config) {
    long budget = config.rollout().preparedReferencesMb() * 1024L * 1024L;
    if (!config.reward().equals(owner) || budget != ownerBudget) {
      scorer = RolloutScorer.of(config.reward());
      prepared = new PreparedReferences(budget);
      owner = config.reward();
      ownerBudget = budget;
    }
  }

  /** Drops what is kept (local runs call this at the end of a job, as they stop the render pools). */
  public static synchronized void clear() {
    owner = null;
    ownerBudget = -1;
    scorer = null;
    prepared = null;
  }
}
