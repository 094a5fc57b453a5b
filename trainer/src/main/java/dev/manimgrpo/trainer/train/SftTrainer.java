package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.data.SftExample;
import dev.manimgrpo.trainer.loss.SftLoss;
import dev.manimgrpo.trainer.loss.TokenLoss;
import dev.manimgrpo.policy.model.AdamW;
import dev.manimgrpo.policy.model.Gradients;
import dev.manimgrpo.policy.model.LearningRateSchedule;
import dev.manimgrpo.policy.model.ModelConfig;
import dev.manimgrpo.policy.model.ModelParameters;
import dev.manimgrpo.policy.model.LanguageModel;
import dev.manimgrpo.policy.Policy;
import dev.manimgrpo.policy.tokenizer.BpeTokenizer;
import dev.manimgrpo.policy.tokenizer.BpeTrainer;
import dev.manimgrpo.policy.tokenizer.TemplateEncoder;
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
 * Supervised fine-tuning: the completion-only loss ({@link SftLoss}) on prompt + reference code
 * sequences written with {@link PromptTemplate} (the template rollouts use), AdamW with warm-up
 * and cosine decay, checkpoints every {@code trainer.checkpoint-every} steps and at the end.
 *
 * <p>A run directory that already holds checkpoints is resumed from its newest complete one: the
 * weights, the optimizer's moments and the step come back, the data order is a function of the
 * seed and the step, so the steps after the checkpoint are done exactly as they would have been.
 * A new run learns its tokenizer from the training texts first.
 */
public final class SftTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(SftTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KIND = "sft";

  private final TrainerConfig config;
  private final Configuration hadoop;
  private final PrintStream console;
  private final boolean progressBar;
  private final LanguageModel lm;

  /**
   * @param console where the summary goes
   * @param progressBar whether to draw a progress bar (off in tests and without a terminal)
   */
  public SftTrainer(TrainerConfig config, Configuration hadoop, PrintStream console, boolean progressBar) {
    this.config = config;
    this.hadoop = hadoop;
    this.lm = LanguageModel.of(config.engine());
    this.console = console;
    this.progressBar = progressBar;
  }

  /**
   * What a run did.
   *
   * @param policy the trained policy
   * @param checkpoint the last checkpoint written
   * @param resumedFrom the step the run resumed from (0 = a new run)
   * @param steps the run's last step
   * @param firstLoss training loss of the run's first step (NaN when it resumed at the end)
   * @param lastLoss training loss of the last step
   * @param heldOutLoss completion loss on the held-out examples (NaN when none)
   * @param skipped examples left out because they do not fit the context
   * @param tokensPerSecond training tokens (counted targets) per second over the run
   */
  public record Result(Policy policy, URI checkpoint, int resumedFrom, int steps, double firstLoss, double lastLoss,
      double heldOutLoss, List<String> skipped, double tokensPerSecond) {}

  /** A training example as ids. */
  record Encoded(String id, int[] ids, int promptLength) {}

  /**
   * Trains on {@code train} (held-out loss on {@code heldOut}, may be null) into {@code runDir},
   * resuming from the newest checkpoint there.
   */
  public Result train(SftDataset train, SftDataset heldOut, URI runDir) throws IOException {
    if (train.size() == 0) {
      throw new IllegalArgumentException("no SFT examples in " + train.source() + " (split " + train.split()
          + "): choose another split (trainer.sft.split) or dataset.path");
    }
    CheckpointStore store = new CheckpointStore(hadoop);
    MetricsLog metrics = new MetricsLog(hadoop, runDir);
    Optional<URI> latest = store.latest(runDir);
    Policy policy;
    AdamW adam;
    int start;
    if (latest.isPresent()) {
      Checkpoint c = store.load(latest.get());
      String kind = c.trainerState().path("kind").asText("");
      if (!KIND.equals(kind)) {
        throw new IllegalStateException(runDir + " holds a '" + kind + "' run, not an SFT run: use another run directory");
      }
      policy = Policy.of(c, latest.get().toString());
      adam = optimizer(config, policy.params());
      adam.loadState(c.optimizerState());
      start = c.step();
      metrics.resume(start);
      console.printf(Locale.ROOT, "sft: resuming %s from step %d (%s)%n", runDir, start, latest.get());
    } else {
      policy = newPolicy(train);
      adam = optimizer(config, policy.params());
      start = 0;
      console.printf(Locale.ROOT, "sft: new run in %s: model %s, %,d parameters, tokenizer of %d ids%n", runDir,
          policy.config(), policy.params().count(), policy.tokenizer().vocabSize());
    }
    ModelConfig shape = policy.config();
    List<String> skipped = new ArrayList<>();
    List<Encoded> examples = encode(train, policy.tokenizer(), shape.contextLength(), skipped);
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("every SFT example is longer than the context (" + shape.contextLength()
          + " tokens): raise trainer.model.context-length");
    }
    if (!skipped.isEmpty()) {
      LOG.warn("{} examples do not fit the context of {} tokens and are left out: {}", skipped.size(),
          shape.contextLength(), skipped);
    }
    int total = config.sft().steps();
    int batchSize = Math.min(config.sft().batchSize(), examples.size());
    LearningRateSchedule lr = new LearningRateSchedule(config.optimizer().learningRate(),
        config.optimizer().learningRate() * config.optimizer().minLearningRateFraction(),
        Math.min(config.optimizer().warmupSteps(), total), total);
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    long tokens = 0;
    long t0 = System.nanoTime();
    URI lastCheckpoint = latest.orElse(null);
    ModelParameters params = policy.params();
    EpochOrder<Encoded> order = new EpochOrder<>(examples, config.seed());
    try (TrainingProgress progress = new TrainingProgress("sft", start, total, progressBar)) {
      for (int step = start + 1; step <= total; step++) {
        long s0 = System.nanoTime();
        List<Encoded> batch = order.batch(batchSize, step);
        TokenBatch tb = TokenBatch.of(batch.stream().map(Encoded::ids).toList(),
            batch.stream().mapToInt(Encoded::promptLength).toArray(), policy.tokenizer().padId());
        // The NLL's d loss / d logp is fixed by the mask, so forward and backward run as one pass.
        LanguageModel.PassGradients pg = lm.forwardBackward(params, tb.inputs(), tb.targets(), true,
            config.seed() * 1_000_003L + step, TokenBatch.toArray(SftLoss.dLogp(tb.mask()), params.dataType()));
        TokenLoss loss = SftLoss.of(TokenBatch.toDouble(pg.pass().logProbsArray()), tb.mask());
        Gradients g = pg.gradients();
        double norm = config.optimizer().gradientClip() > 0
            ? AdamW.clipGlobalNorm(g, config.optimizer().gradientClip()) : g.globalNorm();
        double rate = lr.at(step);
        adam.step(params, g, rate);
        NativeMemory.releaseStep();
        double seconds = (System.nanoTime() - s0) / 1e9;
        tokens += tb.tokens();
        if (Double.isNaN(firstLoss)) {
          firstLoss = loss.loss();
        }
        lastLoss = loss.loss();
        Map<String, Object> m = StepRecords.sft(KIND, step, loss, rate, norm, tb.tokens(), batch.size(), seconds);
        metrics.record(step, m);
        progress.step(step, String.format(Locale.ROOT, "loss %.3f, %.0f tok/s", loss.loss(), tb.tokens() / seconds));
        if (step % config.checkpointEvery() == 0 || step == total) {
          policy = new Policy(params, policy.tokenizer(), step, runDir.toString());
          lastCheckpoint = save(store, runDir, policy, adam, step, train, examples.size(), loss.loss());
          metrics.flush();
        }
      }
    }
    metrics.flush(); // also when a resumed run had nothing left to do
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double held = heldOut == null || heldOut.size() == 0 ? Double.NaN
        : heldOutLoss(params, encode(heldOut, policy.tokenizer(), shape.contextLength(), new ArrayList<>()),
            policy.tokenizer().padId());
    Result r = new Result(new Policy(params, policy.tokenizer(), total, runDir.toString()), lastCheckpoint, start, total,
        firstLoss, lastLoss, held, List.copyOf(skipped), elapsed > 0 ? tokens / elapsed : 0);
    summary(r, train, metrics);
    return r;
  }

  private Policy newPolicy(SftDataset train) {
    List<String> texts = new ArrayList<>();
    for (SftExample e : train.examples()) {
      texts.add(PromptTemplate.render(e.prompt()) + PromptTemplate.completion(e.code()));
    }
    BpeTokenizer tokenizer = new BpeTrainer(config.vocabSize()).train(texts);
    TrainerConfig.ModelShape m = config.model();
    ModelConfig shape = new ModelConfig(tokenizer.vocabSize(), m.layers(), m.heads(), m.width(), m.contextLength(),
        m.mlpMultiplier(), m.dropout());
    return new Policy(ModelParameters.initialise(shape, config.seed()), tokenizer, 0, "new");
  }

  /** AdamW as {@code trainer.optimizer.*} configures it (SFT and GRPO alike). */
  static AdamW optimizer(TrainerConfig config, ModelParameters params) {
    TrainerConfig.OptimizerConfig o = config.optimizer();
    return new AdamW(params, o.beta1(), o.beta2(), 1e-8, o.weightDecay());
  }

  /** Examples as ids; those longer than the context (plus the one id only ever a target) are left out. */
  static List<Encoded> encode(SftDataset data, BpeTokenizer tokenizer, int context, List<String> skipped) {
    TemplateEncoder enc = new TemplateEncoder(tokenizer);
    List<Encoded> out = new ArrayList<>();
    for (SftExample e : data.examples()) {
      TemplateEncoder.Example x = enc.example(e.prompt(), e.code());
      if (x.ids().length - 1 > context) {
        skipped.add(e.id() + " (" + x.ids().length + " tokens)");
        continue;
      }
      out.add(new Encoded(e.id(), x.ids(), x.promptLength()));
    }
    return out;
  }

  private double heldOutLoss(ModelParameters params, List<Encoded> examples, int padId) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < examples.size(); i += 4) {
      List<Encoded> b = examples.subList(i, Math.min(examples.size(), i + 4));
      TokenBatch tb = TokenBatch.of(b.stream().map(Encoded::ids).toList(),
          b.stream().mapToInt(Encoded::promptLength).toArray(), padId);
      TokenLoss l = SftLoss.of(TokenBatch.toDouble(lm.forward(params, tb.inputs(), tb.targets(), false, 0)
          .logProbsArray()), tb.mask());
      sum += l.loss() * l.tokens();
      n += l.tokens();
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private URI save(CheckpointStore store, URI runDir, Policy policy, AdamW adam, int step, SftDataset data, int examples,
      double loss) throws IOException {
    ObjectNode state = JSON.createObjectNode();
    state.put("kind", KIND);
    state.put("step", step);
    state.put("seed", config.seed());
    state.put("total_steps", config.sft().steps());
    state.put("batch_size", config.sft().batchSize());
    Checkpoint c = new Checkpoint(step, Instant.now(), new DataDescription(data.source(), data.split(), examples),
        Map.of("loss", loss), Policy.configJson(policy.config()), policy.tokenizerBytes(), policy.weights(),
        new LinkedHashMap<>(adam.state()), state);
    URI at = store.save(runDir, c);
    LOG.info("checkpoint {}", at);
    return at;
  }

  private void summary(Result r, SftDataset train, MetricsLog metrics) {
    console.println();
    console.printf(Locale.ROOT, "sft summary: %d steps (from %d), %d examples of %s (%s)%n", r.steps(), r.resumedFrom(),
        train.size() - r.skipped().size(), train.source(), train.split());
    String held = Double.isNaN(r.heldOutLoss()) ? "n/a" : String.format(Locale.ROOT, "%.4f", r.heldOutLoss());
    if (r.resumedFrom() >= r.steps()) {
      console.printf(Locale.ROOT, "  the run had already finished all its steps; held-out completion loss %s%n", held);
    } else {
      console.printf(Locale.ROOT, "  loss %.4f -> %.4f; held-out completion loss %s%n", r.firstLoss(), r.lastLoss(), held);
    }
    console.printf(Locale.ROOT, "  %.0f training tokens/s; checkpoint %s; metrics %s%n", r.tokensPerSecond(),
        r.checkpoint(), metrics.uri());
    if (!r.skipped().isEmpty()) {
      console.printf(Locale.ROOT, "  left out (longer than the context): %s%n", r.skipped());
    }
  }
}
