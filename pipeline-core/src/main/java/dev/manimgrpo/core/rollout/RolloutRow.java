package dev.manimgrpo.core.rollout;

import static dev.manimgrpo.core.rollout.RolloutShardSchema.*;

import java.util.Arrays;
import java.util.Objects;

/**
 * One row of the rollout shard (see {@link RolloutShardSchema} for each column's meaning).
 * The constructor validates the row and names the offending column, so a bad row is caught
 * where it is made or read, not as a shape error deep inside the trainer. The arrays are
 * owned by the record and not copied (shards hold many long token lists): do not modify them.
 */
public record RolloutRow(
    String runId,
    int step,
    String promptId,
    String groupUid,
    int rolloutIndex,
    int[] promptTokenIds,
    int[] completionTokenIds,
    float[] oldLogprobs,
    String completionText,
    String status,
    String errorReason,
    Double rewardText,
    Double rewardVisual,
    Double rewardLayout,
    double reward,
    double advantage,
    boolean zeroVariance,
    String policyCheckpoint) {

  /** Log-probs a little above 0 come from float rounding; more means probabilities were passed. */
  static final float LOGPROB_TOLERANCE = 1e-3f;

  public RolloutRow {
    notBlank(RUN_ID, runId);
    if (step < 0) {
      throw new InvalidRolloutRowException(STEP, "is " + step + "; the sampling policy's step must be >= 0");
    }
    notBlank(PROMPT_ID, promptId);
    notBlank(GROUP_UID, groupUid);
    if (rolloutIndex < 0) {
      throw new InvalidRolloutRowException(ROLLOUT_INDEX, "is " + rolloutIndex + "; it must be >= 0");
    }
    tokenIds(PROMPT_TOKEN_IDS, promptTokenIds);
    tokenIds(COMPLETION_TOKEN_IDS, completionTokenIds);
    if (oldLogprobs != null) {
      if (oldLogprobs.length != completionTokenIds.length) {
        throw new InvalidRolloutRowException(OLD_LOGPROBS, "has " + oldLogprobs.length + " values but "
            + COMPLETION_TOKEN_IDS + " has " + completionTokenIds.length
            + "; write one log-prob per completion token, or null if the sampler did not record them");
      }
      for (int i = 0; i < oldLogprobs.length; i++) {
        float lp = oldLogprobs[i];
        // NaN: the sampler reported none for this token (llama-server, for a stop string's tokens); the trainer recomputes it.
        if (Float.isInfinite(lp) || lp > LOGPROB_TOLERANCE) {
          throw new InvalidRolloutRowException(OLD_LOGPROBS, "[" + i + "] is " + lp
              + "; log-probabilities must be finite and <= 0, or NaN where unknown (were probabilities written instead?)");
        }
      }
    }
    if (completionText == null) {
      throw new InvalidRolloutRowException(COMPLETION_TEXT, "is null; write \"\" for an empty completion");
    }
    if (status == null || !STATUSES.contains(status)) {
      throw new InvalidRolloutRowException(STATUS, "is '" + status + "'; expected one of " + STATUSES.stream().sorted().toList());
    }
    optionalFinite(REWARD_TEXT, rewardText);
    optionalFinite(REWARD_VISUAL, rewardVisual);
    optionalFinite(REWARD_LAYOUT, rewardLayout);
    finite(REWARD, reward);
    finite(ADVANTAGE, advantage);
    if (zeroVariance && advantage != 0.0) {
      throw new InvalidRolloutRowException(ADVANTAGE, "is " + advantage + " but " + ZERO_VARIANCE
          + " is true; a group without reward variance carries no signal and its advantage must be 0");
    }
  }

  /** Number of completion tokens: the positions the policy loss is taken over. */
  public int completionLength() {
    return completionTokenIds.length;
  }

  public boolean hasOldLogprobs() {
    return oldLogprobs != null;
  }

  // Records compare arrays by identity; rows are compared by content (tests, de-duplication).
  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutRow r
        && step == r.step && rolloutIndex == r.rolloutIndex && zeroVariance == r.zeroVariance
        && Double.compare(reward, r.reward) == 0 && Double.compare(advantage, r.advantage) == 0
        && runId.equals(r.runId) && promptId.equals(r.promptId) && groupUid.equals(r.groupUid)
        && Arrays.equals(promptTokenIds, r.promptTokenIds) && Arrays.equals(completionTokenIds, r.completionTokenIds)
        && Arrays.equals(oldLogprobs, r.oldLogprobs) && completionText.equals(r.completionText)
        && status.equals(r.status) && Objects.equals(errorReason, r.errorReason)
        && Objects.equals(rewardText, r.rewardText) && Objects.equals(rewardVisual, r.rewardVisual)
        && Objects.equals(rewardLayout, r.rewardLayout) && Objects.equals(policyCheckpoint, r.policyCheckpoint);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(runId, step, promptId, groupUid, rolloutIndex, completionText, status, errorReason,
        rewardText, rewardVisual, rewardLayout, reward, advantage, zeroVariance, policyCheckpoint);
    h = 31 * h + Arrays.hashCode(promptTokenIds);
    h = 31 * h + Arrays.hashCode(completionTokenIds);
    return 31 * h + Arrays.hashCode(oldLogprobs);
  }

  @Override
  public String toString() {
    return "RolloutRow[run_id=" + runId + ", step=" + step + ", prompt_id=" + promptId + ", group_uid=" + groupUid
        + ", rollout_index=" + rolloutIndex + ", prompt_tokens=" + promptTokenIds.length
        + ", completion_tokens=" + completionTokenIds.length + ", old_logprobs=" + (oldLogprobs == null ? "null" : "present")
        + ", status=" + status + ", reward=" + reward + ", advantage=" + advantage + ", zero_variance=" + zeroVariance + "]";
  }

  private static void notBlank(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRolloutRowException(field, "is " + (value == null ? "null" : "blank") + "; every rollout needs one");
    }
  }

  private static void tokenIds(String field, int[] ids) {
    if (ids == null) {
      throw new InvalidRolloutRowException(field, "is null; write an empty array for no tokens");
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0) {
        throw new InvalidRolloutRowException(field, "[" + i + "] is " + ids[i] + "; token ids are >= 0");
      }
    }
  }

  private static void finite(String field, double v) {
    if (!Double.isFinite(v)) {
      throw new InvalidRolloutRowException(field, "is " + v + "; it must be a finite number");
    }
  }

  private static void optionalFinite(String field, Double v) {
    if (v != null) {
      finite(field, v);
    }
  }

  /** A rollout row that breaks the shard's rules; {@link #field()} is the column at fault. */
  public static final class InvalidRolloutRowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public InvalidRolloutRowException(String field, String problem) {
      super("column '" + field + "' " + problem);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
