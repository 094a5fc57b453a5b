package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.code.ExtractedCode;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.policy.Generation;
import dev.manimgrpo.core.policy.GroupRequest;
import dev.manimgrpo.core.policy.PolicyClient;
import dev.manimgrpo.core.render.ReferenceRenderCache;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderService;
import dev.manimgrpo.core.render.RenderStatus;
import dev.manimgrpo.core.rollout.RolloutDetails;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.rollout.RolloutRecord;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.reward.advantage.AdvantageEstimators;
import dev.manimgrpo.reward.rollout.PreparedReferences;
import dev.manimgrpo.reward.rollout.RolloutScorer;
import dev.manimgrpo.reward.visual.VisualSimilarity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One GRPO group, start to finish, inside an executor: G completions of one prompt, their code
 * extracted, identical programs rendered and scored once (reward profile, candidate pool), each scored
 * against the cached reference render (code reward, visual similarity, layout, fused reward), then
 * the group's advantages and zero-variance flag. Every completion becomes a row whatever happens
 * to it: a sampling failure is a {@code sampling_error} row with the reason, a failed render a row
 * with its status, exception, line and stderr.
 *
 * <p>The advantage is computed here, in the task, not with a window function: a group never
 * leaves the task that sampled it, so the task holds every reward of the group and a window would
 * only add a shuffle of the whole shard. (The window-function version, {@code GroupAdvantages},
 * gives the same values and is kept for re-scoring shards in SQL; a test holds the two together.)
 */
public final class GroupRollout {

  /** What a task needs, all of it per executor. */
  public record Context(PolicyClient client, RenderService candidates, ReferenceRenderCache references,
      RolloutScorer scorer, PreparedReferences prepared, ExecutorService renderThreads, PipelineConfig config,
      String runId, int step) {}

  private GroupRollout() {}

  /**
   * The group of one prompt: exactly G records, in rollout-index order.
   *
   * @param referenceRender the prompt's reference render, as looked up in the reference cache
   */
  public static List<RolloutRecord> run(Context ctx, RolloutPrompt prompt, ReferenceRenderCache.Lookup referenceRender) {
    return finish(ctx, start(ctx, prompt, referenceRender));
  }

  /**
   * A group started: its completions sampled, their code extracted, its renders queued on the
   * executor's render pool (not awaited), its reference prepared.
   */
  public record Started(RolloutPrompt prompt, RenderResult reference, String groupUid, List<Generation> gens,
      ExtractedCode[] code, Integer[] sharedWith, Map<Integer, Future<RenderResult>> renders,
      RolloutScorer.Reference ref) {

    /**
     * Cancels the group's renders when its task fails: a render still waiting for a worker gives up
     * at once (the pool's wait is interruptible), so a retried task does not queue behind renders
     * whose results nobody will read.
     */
    public void abandon() {
      cancel(renders);
    }
  }

  /**
   * Samples the group and queues its renders without waiting for them, so that a task can start its
   * next group while this one renders ({@code rollout.groups-ahead}); {@link #finish} waits and scores.
   */
  public static Started start(Context ctx, RolloutPrompt prompt, ReferenceRenderCache.Lookup referenceRender) {
    PipelineConfig config = ctx.config();
    int g = config.policy().sampling().groupSize();
    String groupUid = RolloutIds.groupUid(ctx.runId(), ctx.step(), prompt.promptId());
    GroupRequest request = GroupRequest.wholeGroup(prompt.promptId(), prompt.taskPrompt(), ctx.step(),
        config.policy().sampling());

    List<Generation> gens = sample(ctx.client(), request);
    ExtractedCode[] code = new ExtractedCode[g];
    for (int i = 0; i < g; i++) {
      code[i] = gens.get(i).failed() ? null : ctx.client().extractCode(gens.get(i).text());
    }

    // Identical programs of a group are rendered once.
    Map<String, Integer> firstWithCode = new HashMap<>();
    Integer[] sharedWith = new Integer[g];
    Map<Integer, Future<RenderResult>> renders = new HashMap<>();
    for (int i = 0; i < g; i++) {
      if (code[i] == null) {
        continue;
      }
      Integer first = firstWithCode.putIfAbsent(code[i].code(), i);
      if (first != null) {
        sharedWith[i] = first;
        continue;
      }
      String id = groupUid + "-" + i;
      String program = code[i].code();
      renders.put(i, ctx.renderThreads().submit(() -> ctx.candidates().render(RenderRequest.frames(id, program))));
    }

    // The reference's frames are the visual reward's yardstick; prepared once per executor while
    // memory allows (keyed by the render's content address), handed to this group with an empty memo.
    // Prepared while the group's renders run.
    RenderResult reference = referenceRender.result();
    RolloutScorer.Reference ref;
    try {
      ref = ctx.prepared().get(referenceRender.key(), () -> ctx.scorer().prepare(
          prompt.referenceCode(), reference.succeeded() ? reference.frames() : null));
    } catch (RuntimeException | Error e) {
      cancel(renders);
      throw e;
    }
    return new Started(prompt, reference, groupUid, gens, code, sharedWith, renders, ref);
  }

  /** Waits for a started group's renders, scores them: exactly G records, in rollout-index order. */
  public static List<RolloutRecord> finish(Context ctx, Started started) {
    PipelineConfig config = ctx.config();
    int g = config.policy().sampling().groupSize();
    RolloutPrompt prompt = started.prompt();
    RenderResult reference = started.reference();
    String groupUid = started.groupUid();
    List<Generation> gens = started.gens();
    ExtractedCode[] code = started.code();
    Integer[] sharedWith = started.sharedWith();
    Map<Integer, Future<RenderResult>> renders = started.renders();
    RolloutScorer.Reference ref = started.ref();
    RenderResult[] result = new RenderResult[g];
    try {
      for (Map.Entry<Integer, Future<RenderResult>> e : renders.entrySet()) {
        result[e.getKey()] = await(e.getValue(), groupUid + "-" + e.getKey());
      }
    } catch (RuntimeException | Error e) {
      started.abandon();
      throw e;
    }
    for (int i = 0; i < g; i++) {
      if (sharedWith[i] != null) {
        result[i] = result[sharedWith[i]];
      }
    }

    RolloutScorer.Score[] score = new RolloutScorer.Score[g];
    for (int i = 0; i < g; i++) {
      if (sharedWith[i] != null) {
        score[i] = score[sharedWith[i]]; // the same program and render: the same score, computed once
      } else if (code[i] != null) {
        score[i] = ctx.scorer().score(ref, code[i].code(), result[i]);
      }
    }

    // Advantages over the rollouts that reached the renderer; a sampling failure is the server's, not the policy's.
    List<Integer> scored = new ArrayList<>();
    for (int i = 0; i < g; i++) {
      if (score[i] != null) {
        scored.add(i);
      }
    }
    double[] rewards = scored.stream().mapToDouble(i -> score[i].fused().reward()).toArray();
    boolean zeroVariance = rewards.length < 2 || AdvantageEstimators.zeroVariance(rewards);
    double[] adv = zeroVariance ? new double[rewards.length]
        : AdvantageEstimators.compute(config.reward().advantage(), rewards, config.reward().advantageEpsilon());
    double[] advantage = new double[g];
    for (int k = 0; k < scored.size(); k++) {
      advantage[scored.get(k)] = adv[k];
    }
    boolean dropped = config.rollout().dynamicSampling().enabled() && zeroVariance;

    List<RolloutRecord> out = new ArrayList<>(g);
    for (int i = 0; i < g; i++) {
      out.add(record(ctx, prompt, groupUid, gens.get(i), code[i], result[i], sharedWith[i], score[i], advantage[i],
          zeroVariance, dropped, reference));
    }
    return out;
  }

  /** The group's generations, exactly one per index 0..G-1 whatever the client returned. */
  static List<Generation> sample(PolicyClient client, GroupRequest request) {
    int g = request.rolloutIndices().size();
    List<Generation> got;
    try {
      got = client.generate(request);
    } catch (RuntimeException e) {
      got = List.of();
      String why = "the policy client failed: " + e;
      List<Generation> failed = new ArrayList<>();
      for (int i = 0; i < g; i++) {
        failed.add(Generation.failed(i, request.seed(i), why, 0));
      }
      return failed;
    }
    Generation[] byIndex = new Generation[g];
    for (Generation x : got) {
      if (x.rolloutIndex() >= 0 && x.rolloutIndex() < g && byIndex[x.rolloutIndex()] == null) {
        byIndex[x.rolloutIndex()] = x;
      }
    }
    List<Generation> out = new ArrayList<>(g);
    for (int i = 0; i < g; i++) {
      out.add(byIndex[i] != null ? byIndex[i]
          : Generation.failed(i, request.seed(i), "the policy client returned no completion for this index", 0));
    }
    return out;
  }

  /** Cancels renders nobody will read; one still waiting for a worker is interrupted and gives up. */
  private static void cancel(Map<Integer, Future<RenderResult>> renders) {
    renders.values().forEach(f -> f.cancel(true));
  }

  private static RenderResult await(Future<RenderResult> f, String id) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering " + id, e);
    } catch (ExecutionException e) {
      // The render service reports failures as results; an exception here is the pool's own fault.
      return RenderResult.failure(id, RenderStatus.SANDBOX_ERROR, "render service error: " + e.getCause(), null, 0);
    }
  }

  private static RolloutRecord record(Context ctx, RolloutPrompt prompt, String groupUid, Generation gen,
      ExtractedCode code, RenderResult render, Integer sharedWith, RolloutScorer.Score score, double advantage,
      boolean zeroVariance, boolean dropped, RenderResult reference) {
    PipelineConfig config = ctx.config();
    int[] promptIds = gen.promptTokenIds() != null && gen.tokenIds() != null ? gen.promptTokenIds() : new int[0];
    int[] tokens = gen.promptTokenIds() != null && gen.tokenIds() != null ? gen.tokenIds() : new int[0];
    float[] logprobs = gen.tokenIds() != null && gen.logprobs() != null ? gen.logprobs() : null;
    String status;
    String reason;
    if (gen.failed()) {
      status = RolloutShardSchema.SAMPLING_ERROR;
      reason = gen.error();
    } else {
      status = render.status().wireName();
      reason = render.succeeded() ? null : render.message().isBlank() ? render.status().wireName() : render.message();
    }
    VisualSimilarity v = score == null ? null : score.visual();
    String finalStatus = status;
    TokenRow build = (p, c, lp, why) -> new RolloutRow(ctx.runId(), ctx.step(), prompt.promptId(), groupUid,
        gen.rolloutIndex(), p, c, lp, gen.text(), finalStatus, why,
        score == null ? null : score.fused().textReward(),
        score == null || !render.succeeded() ? null : score.fused().visualReward(),
        score == null ? null : score.layout(),
        score == null ? 0.0 : score.fused().reward(), advantage, zeroVariance, checkpointName(config, ctx.client()));
    RolloutRow row;
    try {
      row = build.row(promptIds, tokens, logprobs, reason);
    } catch (RolloutRow.InvalidRolloutRowException e) {
      if (!TOKEN_COLUMNS.contains(e.field())) {
        throw e;
      }
      // A backend's ids or log-probs that break the shard's rules (a -inf log-prob, a negative id)
      // cost the rollout its tokens, not its row: text, render and reward stay, the reason says what
      // was dropped, and the trainer skips it as a rollout without tokens.
      String why = "tokens dropped: " + e.getMessage();
      row = build.row(new int[0], new int[0], null, reason == null ? why : reason + "; " + why);
    }
    RolloutDetails details = new RolloutDetails(prompt.taskPrompt(), prompt.referenceCode(), prompt.split(),
        prompt.difficulty(), code == null ? null : code.code(),
        code == null ? null : code.method().name().toLowerCase(java.util.Locale.ROOT), gen.finishReason(),
        render == null ? null : render.exceptionType(), render == null ? null : render.errorLine(),
        render == null ? List.of() : render.stderrTail(), sharedWith,
        score == null ? null : score.code().codeBleu(), score == null ? null : score.code().codeBertCosine(),
        score == null ? null : score.code().syntaxError(), score == null ? null : score.code().astEditDistance(),
        v == null ? null : v.contentScore(), v == null ? null : v.colour(), v == null ? null : v.vsStudy(),
        v == null ? null : v.clipPart(),
        v == null ? (render != null && render.succeeded() && !reference.succeeded() ? "no-reference" : null) : v.method(),
        render == null || render.frames() == null ? null : render.frames().count(),
        reference.succeeded() && reference.frames() != null ? reference.frames().count() : null,
        gen.seconds(), render == null || sharedWith != null ? 0.0 : render.wallSeconds(),
        score == null || sharedWith != null ? 0.0 : score.seconds(), ctx.client().policyId(), render == null ? null : render.manimVersion(),
        gen.seed(), ctx.client().trainerReproducible(), dropped);
    return new RolloutRecord(row, details);
  }

  /** The columns a sampler's token data fills. */
  private static final java.util.Set<String> TOKEN_COLUMNS = java.util.Set.of(RolloutShardSchema.PROMPT_TOKEN_IDS,
      RolloutShardSchema.COMPLETION_TOKEN_IDS, RolloutShardSchema.OLD_LOGPROBS);

  /** A row of this rollout with the given token data and reason. */
  private interface TokenRow {
    RolloutRow row(int[] promptIds, int[] completionIds, float[] logprobs, String reason);
  }

  private static String checkpointName(PipelineConfig config, PolicyClient client) {
    if (!client.trainerReproducible()) {
      return null;
    }
    if (config.policy().backend() == dev.manimgrpo.core.config.PolicyConfig.Backend.REPLAY) {
      return client.policyId();
    }
    return config.policy().checkpoint();
  }
}
