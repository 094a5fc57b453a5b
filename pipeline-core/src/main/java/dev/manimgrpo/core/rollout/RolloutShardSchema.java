package dev.manimgrpo.core.rollout;

import dev.manimgrpo.core.rollout.RolloutColumn.Type;
import dev.manimgrpo.core.render.RenderStatus;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The rollout shard: one row per sampled completion, written by the Spark rollout job and read
 * by the trainer. This list is the one definition; {@link RolloutShardSparkSchema} derives the
 * Spark schema from it and the trainer derives its Parquet checks from it. Spark-free, so the
 * trainer can load it without Spark on the class path.
 */
public final class RolloutShardSchema {

  public static final String RUN_ID = "run_id";
  public static final String STEP = "step";
  public static final String PROMPT_ID = "prompt_id";
  public static final String GROUP_UID = "group_uid";
  public static final String ROLLOUT_INDEX = "rollout_index";
  public static final String PROMPT_TOKEN_IDS = "prompt_token_ids";
  public static final String COMPLETION_TOKEN_IDS = "completion_token_ids";
  public static final String OLD_LOGPROBS = "old_logprobs";
  public static final String COMPLETION_TEXT = "completion_text";
  public static final String STATUS = "status";
  public static final String ERROR_REASON = "error_reason";
  public static final String REWARD_TEXT = "reward_text";
  public static final String REWARD_VISUAL = "reward_visual";
  public static final String REWARD_LAYOUT = "reward_layout";
  public static final String REWARD = "reward";
  public static final String ADVANTAGE = "advantage";
  public static final String ZERO_VARIANCE = "zero_variance";
  public static final String POLICY_CHECKPOINT = "policy_checkpoint";

  /** Status of a rollout whose sampling failed, so no code reached the renderer. */
  public static final String SAMPLING_ERROR = "sampling_error";

  /** The columns in file order. Changing this list changes the shard format for both sides. */
  public static final List<RolloutColumn> COLUMNS = List.of(
      col(RUN_ID, Type.STRING, false, "the training run that produced the shard"),
      col(STEP, Type.INT, false, "the policy (checkpoint) step that sampled this rollout"),
      col(PROMPT_ID, Type.STRING, false, "the sample id of the prompt, e.g. mb-0123abcd4567"),
      col(GROUP_UID, Type.STRING, false, "the GRPO group: all rollouts of one prompt at one step"),
      col(ROLLOUT_INDEX, Type.INT, false, "0-based index of the rollout within its group"),
      col(PROMPT_TOKEN_IDS, Type.INT_ARRAY, false, "the prompt's token ids as the policy saw them"),
      col(COMPLETION_TOKEN_IDS, Type.INT_ARRAY, false, "the sampled completion's token ids"),
      col(OLD_LOGPROBS, Type.FLOAT_ARRAY, true, "the sampler's log-probability of each completion token, if known"),
      col(COMPLETION_TEXT, Type.STRING, false, "the decoded completion"),
      col(STATUS, Type.STRING, false, "render status wire name (rendered, syntax_error, ...) or sampling_error"),
      col(ERROR_REASON, Type.STRING, true, "why the render or sampling failed"),
      col(REWARD_TEXT, Type.DOUBLE, true, "text/code similarity reward, if computed"),
      col(REWARD_VISUAL, Type.DOUBLE, true, "visual similarity reward, if computed"),
      col(REWARD_LAYOUT, Type.DOUBLE, true, "layout reward, if computed"),
      col(REWARD, Type.DOUBLE, false, "the fused scalar reward"),
      col(ADVANTAGE, Type.DOUBLE, false, "the group-normalised advantage"),
      col(ZERO_VARIANCE, Type.BOOLEAN, false, "true when every reward of the group was equal (no learning signal)"),
      col(POLICY_CHECKPOINT, Type.STRING, true, "the checkpoint the sampler loaded, if any"));

  private static final Map<String, RolloutColumn> BY_NAME = COLUMNS.stream()
      .collect(Collectors.toMap(RolloutColumn::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));

  /** Statuses a row may carry: every render status and {@link #SAMPLING_ERROR}. */
  public static final Set<String> STATUSES = Stream.concat(
      Arrays.stream(RenderStatus.values()).map(RenderStatus::wireName), Stream.of(SAMPLING_ERROR))
      .collect(Collectors.toUnmodifiableSet());

  private RolloutShardSchema() {}

  /** The column of that name, if it is one. */
  public static Optional<RolloutColumn> column(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The column names in file order. */
  public static List<String> names() {
    return COLUMNS.stream().map(RolloutColumn::name).toList();
  }

  private static RolloutColumn col(String name, Type type, boolean nullable, String doc) {
    return new RolloutColumn(name, type, nullable, doc);
  }
}
