package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.trainer.loss.GrpoLoss;
import dev.manimgrpo.policy.model.AdamW;
import dev.manimgrpo.policy.model.TrainingPass;
import dev.manimgrpo.policy.model.Gradients;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.Policy;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GRPO on a rollout shard: the token-level Dr.GRPO loss with the importance ratio clipped at
 * {@code trainer.grpo.clip-epsilon} and a KL penalty ({@code kl-beta}) to the frozen policy the
 * run started from ({@link GrpoLoss}), {@code iterations} optimizer steps per batch of
 * {@code groups-per-step} groups.
 *
 * <p>Stated choices:
 * <ul>
 *   <li><b>Old log-probs</b>: with {@code old-logprobs: shard} the sampler's per-token log-probs
 *       from the shard are used (they are the policy's own at temperature 1, unfiltered, which
 *       is what the ratio needs); a row without them, or every row with {@code recompute}, gets
 *       them from the policy as it stands before the batch's first update. Either way the first
 *       iteration on a batch sampled by the same weights has ratio 1.</li>
 *   <li><b>Zero-variance groups</b> (all rewards equal: advantage 0 for every member) are
 *       skipped, or kept with weight {@code zero-variance-weight} (they then only add the KL
 *       term).</li>
 *   <li>Rows with status {@code sampling_error} or an empty completion carry no tokens and are
 *       counted, not trained on. Dropout is off in GRPO so that the ratio compares the policy
 *       with itself, not with a dropped-out copy.</li>
 * </ul>
 */
public final class GrpoTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(GrpoTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KIND = "grpo";

  private final TrainerConfig config;
  private final Configuration hadoop;
  private final PrintStream console;
  private final boolean progressBar;
  private final LanguageModel lm;

  public GrpoTrainer(TrainerConfig config, Configuration hadoop, PrintStream console, boolean progressBar) {
    this.config = config;
    this.hadoop = hadoop;
    this.lm = LanguageModel.of(config.engine());
    this.console = console;
    this.progressBar = progressBar;
  }

  /**
   * What a run did.
   *
   * @param policy the updated policy
   * @param checkpoint the last checkpoint written
   * @param resumedFrom step the run resumed from
   * @param steps optimizer steps in all
   * @param groups groups trained on
   * @param skippedGroups zero-variance groups skipped
   * @param rowsWithoutTokens rollouts left out (sampling errors, empty completions)
   * @param meanReward mean fused reward of the rollouts trained on
   */
  public record Result(Policy policy, URI checkpoint, int resumedFrom, int steps, int groups, int skippedGroups,
      int rowsWithoutTokens, double meanReward) {}

  /** One rollout ready for the loss. */
  record Rollout(RolloutRow row, int[] sequence, int promptLength) {}

  /**
   * Trains {@code start} (the reference policy too) on {@code rows}, into {@code runDir}, resuming
   * from the newest checkpoint there.
   */
  public Result train(Policy start, List<RolloutRow> rows, String dataSource, URI runDir) throws IOException {
    return train(start, start, rows, dataSource, runDir);
  }

  /** No group of the shard can be trained on (all skipped as zero-variance, or without tokens). */
  public static final class NoTrainableGroupsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NoTrainableGroupsException(String message) {
      super(message);
    }
  }

  /**
   * Trains {@code start} on {@code rows} with the KL penalty taken against {@code reference} (the
   * policy a GRPO loop began with), into {@code runDir}, resuming from the newest checkpoint there.
   */
  public Result train(Policy start, Policy referencePolicy, List<RolloutRow> rows, String dataSource, URI runDir)
      throws IOException {
    if (referencePolicy.params().config().vocabSize() != start.params().config().vocabSize()
        || !referencePolicy.config().equals(start.config())) {
      throw new IllegalArgumentException("the KL reference policy (" + referencePolicy.source() + ") has another shape"
          + " than the policy being trained (" + start.source() + "): GRPO needs both from the same model");
    }
    CheckpointStore store = new CheckpointStore(hadoop);
    MetricsLog metrics = new MetricsLog(hadoop, runDir);
    TrainerConfig.GrpoConfig g = config.grpo();
    int context = start.config().contextLength();
    Prepared prepared = prepare(rows, g, context + 1, "the policy's context of " + context + " + 1");
    List<List<Rollout>> groups = prepared.groups();
    int[] dropped = {prepared.withoutTokens(), prepared.zeroVarianceSkipped()};
    if (groups.isEmpty()) {
      // The policy goes on unchanged: saved as this run's checkpoint, so whoever samples next (a
      // loop's next step, an Airflow task) finds a checkpoint here either way.
      CheckpointStore unchanged = new CheckpointStore(hadoop);
      if (unchanged.latest(runDir).isEmpty()) {
        ModelParameters same = start.params().copy();
        save(unchanged, runDir, new Policy(same, start.tokenizer(), 0, runDir.toString()),
            SftTrainer.optimizer(config, same), 0, dataSource, rows.size(), 0.0, referencePolicy.source());
      }
      throw new NoTrainableGroupsException("no trainable groups in " + dataSource + " (" + rows.size() + " rows, "
          + dropped[1] + " zero-variance groups skipped, " + dropped[0] + " rows without tokens)");
    }
    int steps = (groups.size() + g.groupsPerStep() - 1) / g.groupsPerStep() * g.iterations();
    ModelParameters reference = referencePolicy.params().copy();
    ModelParameters params = start.params().copy();
    AdamW adam = SftTrainer.optimizer(config, params);
    Optional<URI> latest = store.latest(runDir);
    int first = 0;
    if (latest.isPresent()) {
      Checkpoint c = store.load(latest.get());
      if (!KIND.equals(c.trainerState().path("kind").asText(""))) {
        throw new IllegalStateException(runDir + " holds a '" + c.trainerState().path("kind").asText("")
            + "' run, not a GRPO run: use another run directory");
      }
      params.assign(Policy.of(c, latest.get().toString()).params());
      adam.loadState(c.optimizerState());
      first = c.step();
      metrics.resume(first);
      console.printf(Locale.ROOT, "grpo: resuming %s from step %d%n", runDir, first);
    }
    console.printf(Locale.ROOT, "grpo: %d groups (%d zero-variance skipped, %d rollouts without tokens), %d steps of %d"
        + " groups x %d iterations, old log-probs: %s%n", groups.size(), dropped[1], dropped[0], steps,
        g.groupsPerStep(), g.iterations(), g.oldLogprobs().configName());
    URI last = latest.orElse(null);
    double[][] oldLogp = null;
    double[][] refLogp = null;
    int batchIndex = -1;
    try (TrainingProgress progress = new TrainingProgress("grpo", first, steps, progressBar)) {
      for (int step = first + 1; step <= steps; step++) {
        long s0 = System.nanoTime();
        int b = (step - 1) / g.iterations();
        List<Rollout> batch = new ArrayList<>();
        for (List<Rollout> group : groups.subList(b * g.groupsPerStep(),
            Math.min(groups.size(), (b + 1) * g.groupsPerStep()))) {
          batch.addAll(group);
        }
        TokenBatch tb = TokenBatch.of(batch.stream().map(Rollout::sequence).toList(),
            batch.stream().mapToInt(Rollout::promptLength).toArray(), start.tokenizer().padId());
        if (b != batchIndex) {
          // A resumed run may start mid-batch: the old log-probs come from the shard or, when
          // recomputed, from the policy the batch started with, which is not saved; the restart
          // then uses the resumed weights (said in the README).
          oldLogp = oldLogprobs(batch, tb, params);
          // The frozen reference's log-probs are the same for every iteration on a batch.
          refLogp = g.klBeta() == 0 ? null
              : TokenBatch.toDouble(lm.forward(reference, tb.inputs(), tb.targets(), false, 0).logProbsArray());
          batchIndex = b;
        }
        TrainingPass fr = lm.forward(params, tb.inputs(), tb.targets(), false, 0);
        double[] adv = new double[batch.size()];
        double[] weight = new double[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
          RolloutRow r = batch.get(i).row();
          adv[i] = r.advantage();
          weight[i] = r.zeroVariance() ? g.zeroVarianceWeight() : 1.0;
        }
        GrpoLoss.Result loss = GrpoLoss.of(TokenBatch.toDouble(fr.logProbsArray()), oldLogp, refLogp, tb.mask(), adv,
            weight, g.clipEpsilon(), g.klBeta(), g.maxCompletionTokens());
        Gradients grads = lm.backward(fr, TokenBatch.toArray(loss.dLogp(), params.dataType()));
        double norm = config.optimizer().gradientClip() > 0
            ? AdamW.clipGlobalNorm(grads, config.optimizer().gradientClip()) : grads.globalNorm();
        adam.step(params, grads, g.learningRate());
        NativeMemory.releaseStep();
        double seconds = (System.nanoTime() - s0) / 1e9;
        Map<String, Object> m = StepRecords.grpo(KIND, loss, batch, norm, seconds);
        metrics.record(step, m);
        progress.step(step, String.format(Locale.ROOT, "loss %.4f, kl %.4f, clip %.2f", loss.loss(), loss.kl(),
            loss.clipFraction()));
        if (step % config.checkpointEvery() == 0 || step == steps) {
          last = save(store, runDir, new Policy(params, start.tokenizer(), step, runDir.toString()), adam, step,
              dataSource, rows.size(), loss.loss(), referencePolicy.source());
          metrics.flush();
        }
      }
    }
    metrics.flush(); // also when a resumed run had nothing left to do
    Result r = new Result(new Policy(params, start.tokenizer(), steps, runDir.toString()), last, first, steps,
        groups.size(), dropped[1], dropped[0], prepared.meanReward());
    console.printf(Locale.ROOT, "%ngrpo summary: %d steps (from %d), %d groups, mean reward %.3f; checkpoint %s;"
        + " metrics %s%n", r.steps(), r.resumedFrom(), r.groups(), r.meanReward(), r.checkpoint(), metrics.uri());
    return r;
  }

  /**
   * A shard's rollouts ready for the loss: groups in shard order, each with its usable members.
   *
   * @param withoutTokens rows left out: sampling errors and empty completions
   * @param zeroVarianceSkipped groups left out as zero-variance (with zero-variance: skip)
   * @param meanReward mean fused reward of the rows kept
   */
  record Prepared(List<List<Rollout>> groups, int withoutTokens, int zeroVarianceSkipped, double meanReward) {}

  /** Groups and their usable rows; a sequence longer than {@code maxSequence} ids is an error naming {@code limit}. */
  static Prepared prepare(List<RolloutRow> rows, TrainerConfig.GrpoConfig g, int maxSequence, String limit) {
    List<List<Rollout>> groups = new ArrayList<>();
    int withoutTokens = 0;
    int skipped = 0;
    double rewardSum = 0;
    int rewardCount = 0;
    for (List<RolloutRow> group : byGroup(rows)) {
      boolean zero = group.stream().allMatch(RolloutRow::zeroVariance);
      if (zero && g.zeroVariance() == TrainerConfig.ZeroVariance.SKIP) {
        skipped++;
        continue;
      }
      List<Rollout> usable = new ArrayList<>();
      for (RolloutRow r : group) {
        if (RolloutShardSchema.SAMPLING_ERROR.equals(r.status()) || r.completionLength() == 0) {
          withoutTokens++;
          continue;
        }
        int[] seq = new int[r.promptTokenIds().length + r.completionTokenIds().length];
        System.arraycopy(r.promptTokenIds(), 0, seq, 0, r.promptTokenIds().length);
        System.arraycopy(r.completionTokenIds(), 0, seq, r.promptTokenIds().length, r.completionTokenIds().length);
        if (seq.length > maxSequence) {
          throw new IllegalArgumentException("rollout " + r.groupUid() + "/" + r.rolloutIndex() + " has " + seq.length
              + " tokens, more than " + limit + ": the shard was sampled with a longer"
              + " policy.sampling.max-tokens than this policy can train on; lower it or use a longer-context policy");
        }
        usable.add(new Rollout(r, seq, r.promptTokenIds().length));
        rewardSum += r.reward();
        rewardCount++;
      }
      if (!usable.isEmpty()) {
        groups.add(usable);
      }
    }
    return new Prepared(groups, withoutTokens, skipped, rewardCount == 0 ? 0 : rewardSum / rewardCount);
  }

  /** Rows by group, groups in order of first appearance, members by rollout index. */
  static List<List<RolloutRow>> byGroup(List<RolloutRow> rows) {
    Map<String, List<RolloutRow>> by = new LinkedHashMap<>();
    for (RolloutRow r : rows) {
      by.computeIfAbsent(r.groupUid(), k -> new ArrayList<>()).add(r);
    }
    List<List<RolloutRow>> out = new ArrayList<>();
    for (List<RolloutRow> g : by.values()) {
      g.sort(java.util.Comparator.comparingInt(RolloutRow::rolloutIndex));
      out.add(g);
    }
    return out;
  }

  /** Old log-probs aligned with the batch's targets: from the shard where allowed and present, else recomputed. */
  private double[][] oldLogprobs(List<Rollout> batch, TokenBatch tb, ModelParameters params) {
    return StepRecords.oldLogprobs(batch, tb, config.grpo().oldLogprobs() == TrainerConfig.OldLogprobs.SHARD,
        () -> TokenBatch.toDouble(lm.forward(params, tb.inputs(), tb.targets(), false, 0).logProbsArray()));
  }

  private URI save(CheckpointStore store, URI runDir, Policy policy, AdamW adam, int step, String source, int rows,
      double loss, String reference) throws IOException {
    ObjectNode state = JSON.createObjectNode();
    state.put("kind", KIND);
    state.put("step", step);
    state.put("reference_policy", reference);
    Checkpoint c = new Checkpoint(step, Instant.now(), new DataDescription(source, "rollouts", rows),
        Map.of("loss", loss), Policy.configJson(policy.config()), policy.tokenizerBytes(), policy.weights(),
        new LinkedHashMap<>(adam.state()), state);
    URI at = store.save(runDir, c);
    LOG.info("checkpoint {}", at);
    return at;
  }
}
