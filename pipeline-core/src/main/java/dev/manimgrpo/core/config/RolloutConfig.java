package dev.manimgrpo.core.config;

/**
 * The rollout job and the GRPO loop; see {@code rollout.*} in reference.yaml.
 *
 * @param dir where rollout shards are written, partitioned by run and step (local or s3a://);
 *     empty: {@code <output.dir>/rollouts}
 * @param runId the run a shard belongs to; empty: {@code rollout-<date>-<time>} for a new run
 * @param step the policy step that samples (0 = the starting checkpoint)
 * @param promptsPerStep prompts drawn for one step (0 = every selected prompt); a step's prompts
 *     are a function of (seed, step), so a rerun draws the same ones
 * @param waveGroups groups per Spark write (0 = all of a round's groups in one write). One write has
 *     no barrier between its groups, so the render slots stay busy until the round's last group;
 *     smaller waves bound what a killed run loses where a write is committed whole (s3a://)
 * @param maxGroupsPerTask most groups in one Spark task (1 = a task per group). Tasks are cut by
 *     guided self-scheduling: large at the start of a round, smaller at its end but not below
 *     {@code groupsAhead + 1} groups; fewer tasks pay Spark's per-task cost fewer times, on the
 *     cores the renders use
 * @param groupsAhead groups a task starts ahead of the one it finishes: sampled, their renders queued
 *     on the executor's render pool while the current group waits for its last renders and is scored.
 *     0: one group at a time (its next group is sampled only when it is written)
 * @param preparedReferencesMb an executor's memory for prepared references kept between groups
 *     (their parsed program and frame features, about 5 MB each for the bundled ones): a prompt met
 *     again (every epoch) is not prepared again; 0 keeps none
 * @param dynamicSampling DAPO's dynamic sampling
 * @param loop the GRPO loop
 */
public record RolloutConfig(String dir, String runId, int step, int promptsPerStep, int waveGroups,
    int maxGroupsPerTask, int groupsAhead, int preparedReferencesMb, DynamicSampling dynamicSampling, LoopConfig loop) implements java.io.Serializable {

  public RolloutConfig {
    dir = dir == null ? "" : dir.strip();
    runId = runId == null ? "" : runId.strip();
    if (!runId.isEmpty() && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("rollout.run-id '" + runId + "' must be 1 to 128 letters, digits, '.', '_' or '-'"
          + " (it names a Parquet partition folder)");
    }
    if (step < 0) {
      throw new IllegalArgumentException("rollout.step must be >= 0, got " + step);
    }
    if (promptsPerStep < 0) {
      throw new IllegalArgumentException("rollout.prompts-per-step must be >= 0 (0 = every prompt), got " + promptsPerStep);
    }
    if (waveGroups < 0) {
      throw new IllegalArgumentException("rollout.wave-groups must be >= 0 (0 = a round's groups in one write), got "
          + waveGroups);
    }
    if (maxGroupsPerTask < 1) {
      throw new IllegalArgumentException("rollout.max-groups-per-task must be >= 1 (1 = a Spark task per group), got "
          + maxGroupsPerTask);
    }
    if (groupsAhead < 0) {
      throw new IllegalArgumentException("rollout.groups-ahead must be >= 0 (0 = one group at a time), got "
          + groupsAhead);
    }
    if (preparedReferencesMb < 0) {
      throw new IllegalArgumentException("rollout.prepared-references-mb must be >= 0 (0 = keep none), got "
          + preparedReferencesMb);
    }
    if (dynamicSampling == null || loop == null) {
      throw new IllegalArgumentException("rollout.dynamic-sampling and rollout.loop must be set");
    }
  }

  /** The shard folder under the output folder unless set. */
  public String resolvedDir(OutputConfig output) {
    return dir.isEmpty() ? output.dir() + "/rollouts" : dir;
  }

  /** Groups per write for a round of {@code groups} groups: the whole round unless wave-groups is set. */
  public int groupsPerWrite(int groups) {
    return waveGroups > 0 ? waveGroups : Math.max(1, groups);
  }

  public RolloutConfig withRun(String newRunId, int newStep) {
    return new RolloutConfig(dir, newRunId, newStep, promptsPerStep, waveGroups, maxGroupsPerTask, groupsAhead, preparedReferencesMb, dynamicSampling, loop);
  }

  public RolloutConfig withDir(String newDir) {
    return new RolloutConfig(newDir, runId, step, promptsPerStep, waveGroups, maxGroupsPerTask, groupsAhead, preparedReferencesMb, dynamicSampling, loop);
  }

  /**
   * DAPO's dynamic sampling: groups whose rewards are all equal teach nothing, so more prompts are
   * sampled until the step has {@code rollout.prompts-per-step} groups with spread.
   *
   * @param enabled off by default (the study trains on every group)
   * @param oversample prompts drawn per round as a multiple of the groups still missing
   * @param maxRounds rounds of drawing before the step settles for fewer groups
   */
  public record DynamicSampling(boolean enabled, double oversample, int maxRounds) implements java.io.Serializable {
    public DynamicSampling {
      if (!(oversample >= 1)) {
        throw new IllegalArgumentException("rollout.dynamic-sampling.oversample must be >= 1, got " + oversample);
      }
      if (maxRounds < 1) {
        throw new IllegalArgumentException("rollout.dynamic-sampling.max-rounds must be >= 1, got " + maxRounds);
      }
    }
  }

  /**
   * The GRPO loop: rollouts with the current checkpoint, a trainer step on them, the next checkpoint.
   *
   * @param steps loop steps (each: one rollout job, one trainer run)
   * @param dir the run folder (rollouts, checkpoints, summaries; local or s3a://); empty:
   *     {@code <output.dir>/grpo-runs/<run-id>}
   * @param trainerCommand the trainer's launcher; empty: {@code bin/manim-grpo-trainer} of this
   *     installation, else {@code manim-grpo-trainer} on the PATH
   */
  public record LoopConfig(int steps, String dir, String trainerCommand) implements java.io.Serializable {
    public LoopConfig {
      if (steps < 1) {
        throw new IllegalArgumentException("rollout.loop.steps must be >= 1, got " + steps);
      }
      dir = dir == null ? "" : dir.strip();
      trainerCommand = trainerCommand == null ? "" : trainerCommand.strip();
    }
  }

  public RolloutConfig withLoopSteps(int steps) {
    return new RolloutConfig(dir, runId, step, promptsPerStep, waveGroups, maxGroupsPerTask, groupsAhead, preparedReferencesMb, dynamicSampling,
        new LoopConfig(steps, loop.dir(), loop.trainerCommand()));
  }
}
