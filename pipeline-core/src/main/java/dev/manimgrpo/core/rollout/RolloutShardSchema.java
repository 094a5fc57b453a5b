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

  public static final String PROMPT_TEXT = "prompt_text";
  public static final String EXTRACTED_CODE = "extracted_code";
  public static final String CODE_EXTRACTION = "code_extraction";
  public static final String FINISH_REASON = "finish_reason";
  public static final String EXCEPTION = "exception";
  public static final String ERROR_LINE = "error_line";
  public static final String STDERR_TAIL = "stderr_tail";
  public static final String RENDER_SHARED_WITH = "render_shared_with";
  public static final String CODE_BLEU = "code_bleu";
  public static final String CODEBERT_COSINE = "codebert_cosine";
  public static final String SYNTAX_ERROR = "syntax_error";
  public static final String AST_EDIT_DISTANCE = "ast_edit_distance";
  public static final String VISUAL_CONTENT = "visual_content";
  public static final String VISUAL_COLOUR = "visual_colour";
  public static final String VISUAL_STUDY = "visual_study";
  public static final String CLIP_PART = "clip_part";
  public static final String VISUAL_METHOD = "visual_method";
  public static final String CANDIDATE_FRAMES = "candidate_frames";
  public static final String REFERENCE_FRAMES = "reference_frames";
  public static final String SAMPLE_SECONDS = "sample_seconds";
  public static final String RENDER_SECONDS = "render_seconds";
  public static final String REWARD_SECONDS = "reward_seconds";
  public static final String POLICY_ID = "policy_id";
  public static final String MANIM_VERSION = "manim_version";
  public static final String SEED = "seed";
  public static final String TRAINER_REPRODUCIBLE = "trainer_reproducible";
  public static final String DROPPED_BY_FILTER = "dropped_by_filter";
  public static final String SPLIT = "split";
  public static final String DIFFICULTY = "difficulty";
  public static final String DATA_SOURCE = "data_source";
  public static final String PROMPT = "prompt";
  public static final String ABILITY = "ability";
  public static final String REWARD_MODEL = "reward_model";
  public static final String EXTRA_INFO = "extra_info";

  /** verl's {@code data_source} and {@code ability} values for this project's rows. */
  public static final String DATA_SOURCE_VALUE = "manimbench";
  public static final String ABILITY_VALUE = "manim-code";
  /** verl's {@code reward_model.style}: the reward comes from rendering, the ground truth is the reference code. */
  public static final String REWARD_STYLE = "manim-render";

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
      col(POLICY_CHECKPOINT, Type.STRING, true, "the policy location the sampler loaded (policy.checkpoint:"
          + " bundled-hf, a folder); null when the trainer cannot reproduce its tokens"));

  /**
   * What the rollout job adds for analysts: the prompt, the code, the render's failure, every reward
   * part, stage timings and provenance. All nullable: a minimal shard (the trainer's columns alone)
   * stays readable.
   */
  public static final List<RolloutColumn> DETAIL_COLUMNS = List.of(
      col(PROMPT_TEXT, Type.STRING, true, "the task description the policy was given"),
      col(SPLIT, Type.STRING, true, "the prompt's ManimBench split (train, test)"),
      col(DIFFICULTY, Type.STRING, true, "the prompt's ManimBench type (Basic, Intermediate, Advanced)"),
      col(EXTRACTED_CODE, Type.STRING, true, "the program taken out of the completion and rendered"),
      col(CODE_EXTRACTION, Type.STRING, true, "how it was found: template, fenced_python, fenced, code_tag, plain, none"),
      col(FINISH_REASON, Type.STRING, true, "why sampling stopped: eos, stop, length (or the server's reason)"),
      col(EXCEPTION, Type.STRING, true, "the Python exception the render raised, e.g. NameError"),
      col(ERROR_LINE, Type.INT, true, "the line of the generated code the error points at"),
      col(STDERR_TAIL, Type.STRING, true, "the render's last stderr lines ('NONE' when empty)"),
      col(RENDER_SHARED_WITH, Type.INT, true, "rollout index whose identical code was rendered once for both"),
      col(CODE_BLEU, Type.DOUBLE, true, "CodeBLEU against the reference code"),
      col(CODEBERT_COSINE, Type.DOUBLE, true, "CodeBERT embedding cosine, when a CodeBERT model is configured"),
      col(SYNTAX_ERROR, Type.BOOLEAN, true, "tree-sitter found a syntax error in the code"),
      col(AST_EDIT_DISTANCE, Type.DOUBLE, true, "normalised AST edit distance to the reference (0 = same tree)"),
      col(VISUAL_CONTENT, Type.DOUBLE, true, "content-aware visual score against the cached reference render"),
      col(VISUAL_COLOUR, Type.DOUBLE, true, "colour agreement along that score's alignment (1 = the reference's colours)"),
      col(VISUAL_STUDY, Type.DOUBLE, true, "the study's SSIM part of VS, when reward.visual.study is on"),
      col(CLIP_PART, Type.DOUBLE, true, "the study's CLIP part of VS, when a CLIP model is configured"),
      col(VISUAL_METHOD, Type.STRING, true, "what the visual score compared (content, content+clip, failed-render, ...)"),
      col(CANDIDATE_FRAMES, Type.INT, true, "frames the rollout's render produced at render.sample-fps"),
      col(REFERENCE_FRAMES, Type.INT, true, "frames of the reference render"),
      col(SAMPLE_SECONDS, Type.DOUBLE, true, "seconds spent sampling this completion (its share of the group's call)"),
      col(RENDER_SECONDS, Type.DOUBLE, true, "seconds the render request took (0 when shared or not rendered)"),
      col(REWARD_SECONDS, Type.DOUBLE, true, "seconds spent computing the code and visual rewards"),
      col(POLICY_ID, Type.STRING, true, "the backend and policy that sampled, e.g. hf:bundled-hf:<digest> (prompt manim-code-v1)"),
      col(MANIM_VERSION, Type.STRING, true, "the Manim CE version that rendered it"),
      col(SEED, Type.LONG, true, "the completion's seed: a function of (sampling seed, prompt id, step, rollout index)"),
      col(TRAINER_REPRODUCIBLE, Type.BOOLEAN, true, "false when the tokens came from a model this project's trainer cannot reproduce"),
      col(DROPPED_BY_FILTER, Type.BOOLEAN, true, "dynamic sampling dropped this group (no reward spread)"));

  /** The columns a verl-style trainer reads, so large-model training elsewhere can consume the same shards. */
  public static final List<RolloutColumn> VERL_COLUMNS = List.of(
      col(DATA_SOURCE, Type.STRING, true, "verl: the data set, '" + DATA_SOURCE_VALUE + "'"),
      col(PROMPT, Type.MESSAGES, true, "verl: the prompt as a chat list of {role, content} (system, then the task)"),
      col(ABILITY, Type.STRING, true, "verl: the task family, '" + ABILITY_VALUE + "'"),
      col(REWARD_MODEL, Type.REWARD_MODEL, true, "verl: {style '" + REWARD_STYLE + "', ground_truth = the reference code}"),
      col(EXTRA_INFO, Type.EXTRA_INFO, true, "verl: {split, index, prompt_id, group_uid (verl's uid), rollout_index, run_id, step, difficulty}"));

  /** Every column the rollout job writes: the trainer's, then the details, then verl's. */
  public static final List<RolloutColumn> ALL_COLUMNS = Stream.of(COLUMNS, DETAIL_COLUMNS, VERL_COLUMNS)
      .flatMap(List::stream).toList();

  private static final Map<String, RolloutColumn> BY_NAME = ALL_COLUMNS.stream()
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

  /** The trainer's column names in file order. */
  public static List<String> names() {
    return COLUMNS.stream().map(RolloutColumn::name).toList();
  }

  /** Every column name the rollout job writes, in file order. */
  public static List<String> allNames() {
    return ALL_COLUMNS.stream().map(RolloutColumn::name).toList();
  }

  private static RolloutColumn col(String name, Type type, boolean nullable, String doc) {
    return new RolloutColumn(name, type, nullable, doc);
  }
}
