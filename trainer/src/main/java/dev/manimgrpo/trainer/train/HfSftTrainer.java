package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.train.HfTrainingModel;
import dev.manimgrpo.policy.model.LearningRateSchedule;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.data.SftExample;
import dev.manimgrpo.trainer.loss.SftLoss;
import dev.manimgrpo.trainer.loss.TokenLoss;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised fine-tuning of a Hugging Face model ({@code trainer.hf.*}): LoRA adapters over the
 * frozen base, or every weight. The same loss, schedule, data order and resume as {@link
 * SftTrainer}; examples are prompted as the model is prompted when it samples ({@link
 * HfPromptFormat}: its chat template, or the project's template), and checkpoints are PEFT adapter
 * or Hugging Face model folders ({@link HfTrainee}).
 */
public final class HfSftTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(HfSftTrainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String KIND = "sft-hf";

  private final TrainerConfig config;
  private final Configuration hadoop;
  private final PrintStream console;
  private final boolean progressBar;

  public HfSftTrainer(TrainerConfig config, Configuration hadoop, PrintStream console, boolean progressBar) {
    this.config = config;
    this.hadoop = hadoop;
    this.console = console;
    this.progressBar = progressBar;
  }

  /**
   * What a run did.
   *
   * @param checkpoint the last checkpoint written (a PEFT adapter or a Hugging Face model folder)
   * @param resumedFrom the step the run resumed from (0 = a new run)
   * @param steps the run's last step
   * @param firstLoss training loss of the run's first step (NaN when it resumed at the end)
   * @param lastLoss training loss of the last step
   * @param heldOutLoss completion loss on the held-out examples (NaN when none)
   * @param skipped examples left out because they are longer than trainer.hf.max-length
   * @param tokensPerSecond training tokens (counted targets) per second over the run
   * @param trainedValues how many values trained
   */
  public record Result(URI checkpoint, int resumedFrom, int steps, double firstLoss, double lastLoss,
      double heldOutLoss, List<String> skipped, double tokensPerSecond, long trainedValues) {}

  record Encoded(String id, int[] ids, int promptLength) {}

  public Result train(SftDataset train, SftDataset heldOut, URI runDir) throws IOException {
    if (train.size() == 0) {
      throw new IllegalArgumentException("no SFT examples in " + train.source() + " (split " + train.split()
          + "): choose another split (trainer.sft.split) or dataset.path");
    }
    HfTrainee trainee = HfTrainee.open(config, hadoop, runDir, KIND, console);
    CheckpointStore store = new CheckpointStore(hadoop);
    MetricsLog metrics = new MetricsLog(hadoop, runDir);
    int start = trainee.resumedFrom;
    if (start > 0) {
      metrics.resume(start);
    }
    int maxLength = Math.min(config.hf().maxLength(), trainee.modelConfig().maxPositionEmbeddings());
    List<String> skipped = new ArrayList<>();
    List<Encoded> examples = encode(train, trainee.format, maxLength, skipped);
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("every SFT example is longer than " + maxLength + " tokens: raise"
          + " trainer.hf.max-length (the model allows " + trainee.modelConfig().maxPositionEmbeddings() + ")");
    }
    if (!skipped.isEmpty()) {
      LOG.warn("{} examples are longer than {} tokens and are left out: {}", skipped.size(), maxLength, skipped);
    }
    int total = config.sft().steps();
    int batchSize = Math.min(config.sft().batchSize(), examples.size());
    LearningRateSchedule lr = new LearningRateSchedule(config.optimizer().learningRate(),
        config.optimizer().learningRate() * config.optimizer().minLearningRateFraction(),
        Math.min(config.optimizer().warmupSteps(), total), total);
    int pad = padId(trainee.format);
    HfTrainingModel model = trainee.model;
    int longest = examples.stream().mapToInt(e -> e.ids().length - 1).max().orElse(1);
    console.printf(Locale.ROOT, "sft: %d examples, batch %d, longest %d tokens; estimated memory of a step at most: %s%n",
        examples.size(), batchSize, longest, trainee.memory((long) batchSize * longest, longest).describe());
    double firstLoss = Double.NaN;
    double lastLoss = Double.NaN;
    long tokens = 0;
    long t0 = System.nanoTime();
    URI lastCheckpoint = store.latest(runDir).orElse(null);
    EpochOrder<Encoded> order = new EpochOrder<>(examples, config.seed());
    try (TrainingProgress progress = new TrainingProgress("sft", start, total, progressBar)) {
      for (int step = start + 1; step <= total; step++) {
        long s0 = System.nanoTime();
        List<Encoded> batch = order.batch(batchSize, step);
        TokenBatch tb = TokenBatch.of(batch.stream().map(Encoded::ids).toList(),
            batch.stream().mapToInt(Encoded::promptLength).toArray(), pad);
        HfTrainingModel.Pass pass = model.forward(tb.inputs(), tb.targets(), true, config.seed() * 1_000_003L + step);
        TokenLoss loss = SftLoss.of(TokenBatch.toDouble(pass.logProbsArray()), tb.mask());
        Map<String, INDArray> grads = model.backward(pass,
            TokenBatch.toArray(SftLoss.dLogp(tb.mask()), DataType.FLOAT));
        double norm = trainee.clip(grads);
        double rate = lr.at(step);
        trainee.adam.update(grads, rate);
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
          ObjectNode state = JSON.createObjectNode();
          state.put("kind", KIND);
          state.put("step", step);
          state.put("seed", config.seed());
          state.put("total_steps", total);
          state.put("batch_size", config.sft().batchSize());
          lastCheckpoint = trainee.save(store, runDir, step,
              new DataDescription(train.source(), train.split(), examples.size()), Map.of("loss", loss.loss()), state);
          LOG.info("checkpoint {}", lastCheckpoint);
          metrics.flush();
        }
      }
    }
    metrics.flush();
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double held = heldOut == null || heldOut.size() == 0 ? Double.NaN
        : heldOutLoss(model, encode(heldOut, trainee.format, maxLength, new ArrayList<>()), pad);
    Result r = new Result(lastCheckpoint, start, total, firstLoss, lastLoss, held, List.copyOf(skipped),
        elapsed > 0 ? tokens / elapsed : 0, model.trainedValues());
    console.println();
    console.printf(Locale.ROOT, "sft summary: %d steps (from %d) of %s, %s, %,d trained values; %d examples of %s (%s)%n",
        r.steps(), r.resumedFrom(), HfTrainee.location(trainee.baseFolder), trainee.describeMethod(), r.trainedValues(),
        examples.size(), train.source(), train.split());
    String heldText = Double.isNaN(held) ? "n/a" : String.format(Locale.ROOT, "%.4f", held);
    if (r.resumedFrom() >= r.steps()) {
      console.printf(Locale.ROOT, "  the run had already finished all its steps; held-out completion loss %s%n", heldText);
    } else {
      console.printf(Locale.ROOT, "  loss %.4f -> %.4f; held-out completion loss %s%n", firstLoss, lastLoss, heldText);
    }
    console.printf(Locale.ROOT, "  %.0f training tokens/s; checkpoint %s (prompt: %s); metrics %s%n",
        r.tokensPerSecond(), r.checkpoint(), trainee.format.describe(), metrics.uri());
    if (!skipped.isEmpty()) {
      console.printf(Locale.ROOT, "  left out (longer than %d tokens): %s%n", maxLength, skipped);
    }
    return r;
  }

  /** Prompt then completion ids, as the model is prompted when it samples; too long ones are left out. */
  static List<Encoded> encode(SftDataset data, HfPromptFormat format, int maxLength, List<String> skipped) {
    List<Encoded> out = new ArrayList<>();
    for (SftExample e : data.examples()) {
      int[] prompt = format.promptIds(e.prompt());
      int[] completion = format.completionIds(e.code());
      if (prompt.length + completion.length > maxLength) {
        skipped.add(e.id() + " (" + (prompt.length + completion.length) + " tokens)");
        continue;
      }
      int[] ids = java.util.Arrays.copyOf(prompt, prompt.length + completion.length);
      System.arraycopy(completion, 0, ids, prompt.length, completion.length);
      out.add(new Encoded(e.id(), ids, prompt.length));
    }
    return out;
  }

  /** Right padding is never attended to by a real token; any id in the vocabulary does. */
  static int padId(HfPromptFormat format) {
    return Math.max(0, format.tokenizer().eosId());
  }

  private double heldOutLoss(HfTrainingModel model, List<Encoded> examples, int pad) {
    double sum = 0;
    long n = 0;
    for (int i = 0; i < examples.size(); i += 4) {
      List<Encoded> b = examples.subList(i, Math.min(examples.size(), i + 4));
      TokenBatch tb = TokenBatch.of(b.stream().map(Encoded::ids).toList(),
          b.stream().mapToInt(Encoded::promptLength).toArray(), pad);
      TokenLoss l = SftLoss.of(TokenBatch.toDouble(model.forward(tb.inputs(), tb.targets(), false, 0).logProbsArray()),
          tb.mask());
      sum += l.loss() * l.tokens();
      n += l.tokens();
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
