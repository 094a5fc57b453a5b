package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.policy.hf.HadoopModelFolder;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterReader;
import dev.manimgrpo.policy.hf.train.HfTrainingModel;
import dev.manimgrpo.trainer.loss.GrpoLoss;
import dev.manimgrpo.trainer.train.GrpoTrainer.Rollout;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GRPO of a Hugging Face model on a rollout shard: the loss, batches, iterations and old log-probs
 * of {@link GrpoTrainer}, on a LoRA adapter or every weight ({@link HfTrainee}).
 *
 * <ul>
 *   <li><b>Reference.</b> The KL penalty's frozen policy shares the base weights: the base alone
 *       when the reference is the base model, the base with the reference's own (frozen) adapter
 *       when it is an adapter; with full training, a frozen copy of the reference's weights.
 *   <li><b>Drift.</b> Before a run's first update, the trainer's log-probs of every shard token
 *       are compared with the sampler's ({@code old_logprobs}): the mean and largest absolute
 *       difference per token are printed and recorded. A mean above {@code
 *       trainer.hf.max-logprob-drift} means the shard was not sampled from these weights (another
 *       checkpoint, a quantised export, another prompt format) and the run stops instead of
 *       training on wrong ratios.
 * </ul>
 */
public final class HfGrpoTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(HfGrpoTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KIND = "grpo-hf";

  private final TrainerConfig config;
  private final Configuration hadoop;
  private final PrintStream console;
  private final boolean progressBar;

  public HfGrpoTrainer(TrainerConfig config, Configuration hadoop, PrintStream console, boolean progressBar) {
    this.config = config;
    this.hadoop = hadoop;
    this.console = console;
    this.progressBar = progressBar;
  }

  /**
   * What a run did.
   *
   * @param drift mean |trainer - sampler| log-prob per shard token before the first update (NaN when resumed, or
   *     no row carries the sampler's log-probs)
   * @param maxDrift the largest such difference
   */
  public record Result(URI checkpoint, int resumedFrom, int steps, int groups, int skippedGroups, int rowsWithoutTokens,
      double meanReward, double drift, double maxDrift) {}

  /**
   * Whether a policy location is a Hugging Face model, a PEFT adapter, or a run folder of this
   * trainer whose newest checkpoint is one of them.
   */
  public static boolean isHfPolicy(String location, Configuration hadoop) throws IOException {
    return dev.manimgrpo.policy.HfPolicyClient.isHfModel(PolicyLoader.modelFolder(location, hadoop));
  }

  /** Per-token log-probs of a batch under the frozen reference. */
  private interface Reference {
    INDArray logProbs(int[][] tokens, int[][] targets);
  }

  /**
   * Trains the policy at {@code start} (a Hugging Face model, PEFT adapter or run folder) on
   * {@code rows}, the KL taken against {@code reference} (null: the starting policy), into
   * {@code runDir}, resuming from its newest checkpoint.
   */
  public Result train(String start, String reference, List<RolloutRow> rows, String dataSource, URI runDir)
      throws IOException {
    HfTrainee trainee = HfTrainee.open(config, hadoop, runDir, KIND, start, console);
    TrainerConfig.GrpoConfig g = config.grpo();
    int maxSequence = Math.min(config.hf().maxLength(), trainee.modelConfig().maxPositionEmbeddings()) + 1;
    GrpoTrainer.Prepared prepared = GrpoTrainer.prepare(rows, g, maxSequence,
        "trainer.hf.max-length + 1 (" + maxSequence + ")");
    List<List<Rollout>> groups = prepared.groups();
    CheckpointStore store = new CheckpointStore(hadoop);
    MetricsLog metrics = new MetricsLog(hadoop, runDir);
    int first = trainee.resumedFrom;
    if (groups.isEmpty()) {
      if (store.latest(runDir).isEmpty()) {
        save(trainee, store, runDir, 0, dataSource, rows.size(), 0.0, reference, Double.NaN);
      }
      throw new GrpoTrainer.NoTrainableGroupsException("no trainable groups in " + dataSource + " (" + rows.size()
          + " rows, " + prepared.zeroVarianceSkipped() + " zero-variance groups skipped, " + prepared.withoutTokens()
          + " rows without tokens)");
    }
    if (first > 0) {
      metrics.resume(first);
    }
    int pad = HfSftTrainer.padId(trainee.format);
    int steps = (groups.size() + g.groupsPerStep() - 1) / g.groupsPerStep() * g.iterations();
    Reference ref = g.klBeta() == 0 ? null : reference(trainee, reference == null ? start : reference);
    double[] drift = first == 0 ? drift(trainee.model, groups, g.groupsPerStep(), pad) : new double[] {Double.NaN, Double.NaN};
    console.printf(Locale.ROOT, "grpo: %d groups (%d zero-variance skipped, %d rollouts without tokens), %d steps of %d"
        + " groups x %d iterations, %s; log-prob drift from the sampler %s%n", groups.size(),
        prepared.zeroVarianceSkipped(), prepared.withoutTokens(), steps, g.groupsPerStep(), g.iterations(),
        trainee.describeMethod(), Double.isNaN(drift[0]) ? "n/a"
            : String.format(Locale.ROOT, "mean %.2e, max %.2e per token", drift[0], drift[1]));
    if (drift[0] > config.hf().maxLogprobDrift()) {
      throw new IllegalStateException(String.format(Locale.ROOT, "the trainer's log-probs of the shard's tokens differ"
          + " from the sampler's by %.4f per token on average (max %.4f), above trainer.hf.max-logprob-drift %.4f: %s"
          + " was not sampled from the weights being trained (another checkpoint, a quantised export or another"
          + " prompt format). Sample the shard from this policy, or raise the limit if the sampler is known to differ",
          drift[0], drift[1], config.hf().maxLogprobDrift(), dataSource));
    }
    HfTrainingModel model = trainee.model;
    URI last = store.latest(runDir).orElse(null);
    double[][] oldLogp = null;
    double[][] refLogp = null;
    int batchIndex = -1;
    try (TrainingProgress progress = new TrainingProgress("grpo", first, steps, progressBar)) {
      for (int step = first + 1; step <= steps; step++) {
        long s0 = System.nanoTime();
        int b = (step - 1) / g.iterations();
        List<Rollout> batch = batch(groups, b, g.groupsPerStep());
        TokenBatch tb = tokens(batch, pad);
        if (b != batchIndex) {
          oldLogp = oldLogprobs(batch, tb, model);
          refLogp = ref == null ? null : TokenBatch.toDouble(ref.logProbs(tb.inputs(), tb.targets())
              .castTo(DataType.FLOAT).toFloatMatrix());
          batchIndex = b;
        }
        // No dropout: the ratio compares the policy with itself, not with a dropped-out copy.
        HfTrainingModel.Pass pass = model.forward(tb.inputs(), tb.targets(), false, 0);
        double[] adv = new double[batch.size()];
        double[] weight = new double[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
          RolloutRow r = batch.get(i).row();
          adv[i] = r.advantage();
          weight[i] = r.zeroVariance() ? g.zeroVarianceWeight() : 1.0;
        }
        GrpoLoss.Result loss = GrpoLoss.of(TokenBatch.toDouble(pass.logProbsArray()), oldLogp, refLogp, tb.mask(), adv,
            weight, g.clipEpsilon(), g.klBeta(), g.maxCompletionTokens());
        Map<String, INDArray> grads = model.backward(pass, TokenBatch.toArray(loss.dLogp(), DataType.FLOAT));
        double norm = trainee.clip(grads);
        trainee.adam.update(grads, g.learningRate());
        NativeMemory.releaseStep();
        double seconds = (System.nanoTime() - s0) / 1e9;
        Map<String, Object> m = StepRecords.grpo(KIND, loss, batch, norm, seconds);
        if (!Double.isNaN(drift[0])) {
          m.put("logprob_drift", drift[0]);
          m.put("logprob_drift_max", drift[1]);
        }
        metrics.record(step, m);
        progress.step(step, String.format(Locale.ROOT, "loss %.4f, kl %.4f, clip %.2f", loss.loss(), loss.kl(),
            loss.clipFraction()));
        if (step % config.checkpointEvery() == 0 || step == steps) {
          last = save(trainee, store, runDir, step, dataSource, rows.size(), loss.loss(), reference, drift[0]);
          metrics.flush();
        }
      }
    }
    metrics.flush();
    Result r = new Result(last, first, steps, groups.size(), prepared.zeroVarianceSkipped(), prepared.withoutTokens(),
        prepared.meanReward(), drift[0], drift[1]);
    console.printf(Locale.ROOT, "%ngrpo summary: %d steps (from %d), %d groups, mean reward %.3f; checkpoint %s;"
        + " metrics %s%n", r.steps(), r.resumedFrom(), r.groups(), r.meanReward(), r.checkpoint(), metrics.uri());
    return r;
  }

  private static List<Rollout> batch(List<List<Rollout>> groups, int b, int groupsPerStep) {
    List<Rollout> batch = new ArrayList<>();
    for (List<Rollout> group : groups.subList(b * groupsPerStep, Math.min(groups.size(), (b + 1) * groupsPerStep))) {
      batch.addAll(group);
    }
    return batch;
  }

  private static TokenBatch tokens(List<Rollout> batch, int pad) {
    return TokenBatch.of(batch.stream().map(Rollout::sequence).toList(),
        batch.stream().mapToInt(Rollout::promptLength).toArray(), pad);
  }

  /** The frozen reference, sharing the base weights where it can. */
  private Reference reference(HfTrainee trainee, String location) throws IOException {
    URI uri = PolicyLoader.toUri(location);
    URI folderUri = new CheckpointStore(hadoop).latest(uri).orElse(uri);
    ModelFolder folder = new HadoopModelFolder(folderUri, hadoop);
    String base = HfTrainee.location(trainee.baseFolder);
    if (trainee.adapter == null) {
      HfTrainingModel frozen = HfTrainingModel.full(HfCausalLm.load(folder).weights(), false);
      console.printf(Locale.ROOT, "grpo: KL reference %s (a frozen copy of its weights)%n", folderUri);
      return (t, y) -> frozen.forward(t, y, false, 0).logProbs();
    }
    if (PeftAdapterReader.isAdapter(folder)) {
      LoraAdapter adapter = PeftAdapterReader.read(folder);
      if (!PolicyLoader.toUri(HfTrainee.location(PolicyLoader.adapterBase(folder, adapter.baseModel())))
          .equals(PolicyLoader.toUri(base))) {
        throw new IllegalArgumentException("the KL reference " + folderUri + " adapts " + adapter.baseModel()
            + ", not the trained base " + base + ": GRPO needs both over the same base model");
      }
      HfTrainingModel frozen = HfTrainingModel.lora(trainee.base, adapter, false);
      console.printf(Locale.ROOT, "grpo: KL reference %s (its adapter, frozen, over the shared base)%n", folderUri);
      return (t, y) -> frozen.forward(t, y, false, 0).logProbs();
    }
    if (!PolicyLoader.toUri(HfTrainee.location(folder)).equals(PolicyLoader.toUri(base))) {
      throw new IllegalArgumentException("the KL reference " + folderUri + " is neither the trained base " + base
          + " nor an adapter of it");
    }
    console.printf(Locale.ROOT, "grpo: KL reference %s (the base without the adapter, no second copy)%n", folderUri);
    return (t, y) -> trainee.model.referenceForward(t, y).logProbs();
  }

  /**
   * Mean and largest |trainer log-prob - sampler log-prob| over the completion tokens the sampler
   * gave one for; NaN when none.
   */
  static double[] drift(HfTrainingModel model, List<List<Rollout>> groups, int groupsPerStep, int pad) {
    double sum = 0;
    double max = 0;
    long n = 0;
    for (int b = 0; b * groupsPerStep < groups.size(); b++) {
      List<Rollout> batch = batch(groups, b, groupsPerStep);
      if (batch.stream().noneMatch(r -> r.row().hasOldLogprobs())) {
        continue;
      }
      TokenBatch tb = tokens(batch, pad);
      float[][] logp = model.forward(tb.inputs(), tb.targets(), false, 0).logProbsArray();
      for (int i = 0; i < batch.size(); i++) {
        RolloutRow r = batch.get(i).row();
        if (!r.hasOldLogprobs()) {
          continue;
        }
        int p = batch.get(i).promptLength();
        float[] sampled = r.oldLogprobs();
        for (int j = 0; j < sampled.length; j++) {
          if (Float.isNaN(sampled[j])) {
            continue; // the sampler gave none for this token
          }
          double d = Math.abs(logp[i][p - 1 + j] - sampled[j]);
          sum += d;
          max = Math.max(max, d);
          n++;
        }
      }
    }
    return n == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {sum / n, max};
  }

  /** The sampler's log-probs where the config allows and the row has them, else the policy's before the batch. */
  private double[][] oldLogprobs(List<Rollout> batch, TokenBatch tb, HfTrainingModel model) {
    return StepRecords.oldLogprobs(batch, tb, config.grpo().oldLogprobs() == TrainerConfig.OldLogprobs.SHARD,
        () -> TokenBatch.toDouble(model.forward(tb.inputs(), tb.targets(), false, 0).logProbsArray()));
  }

  private URI save(HfTrainee trainee, CheckpointStore store, URI runDir, int step, String source, int rows, double loss,
      String reference, double drift) throws IOException {
    ObjectNode state = JSON.createObjectNode();
    state.put("kind", KIND);
    state.put("step", step);
    state.put("reference_policy", reference == null ? "" : reference);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", loss);
    metrics.put("logprob_drift", drift);
    URI at = trainee.save(store, runDir, step, new DataDescription(source, "rollouts", rows), metrics, state);
    LOG.info("checkpoint {}", at);
    return at;
  }
}
