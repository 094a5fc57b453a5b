package dev.manimgrpo.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.policy.PolicyLoader;
import dev.manimgrpo.policy.checkpoint.Checkpoint;
import dev.manimgrpo.policy.checkpoint.CheckpointStore;
import dev.manimgrpo.policy.checkpoint.DataDescription;
import dev.manimgrpo.policy.hf.HadoopModelFolder;
import dev.manimgrpo.policy.hf.HfCausalLm;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfPromptFormat;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.export.ExportFolder;
import dev.manimgrpo.policy.hf.export.HfCheckpointExporter;
import dev.manimgrpo.policy.hf.export.LoraAdapter;
import dev.manimgrpo.policy.hf.export.PeftAdapterReader;
import dev.manimgrpo.policy.hf.export.PeftAdapterWriter;
import dev.manimgrpo.policy.hf.export.ShardPlan;
import dev.manimgrpo.policy.hf.train.HfAdamW;
import dev.manimgrpo.policy.hf.train.HfTrainingMemory;
import dev.manimgrpo.policy.hf.train.HfTrainingModel;
import dev.manimgrpo.policy.hf.train.LoraSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Hugging Face model in training ({@code trainer.hf.*}): the base model, the prompt format, what
 * trains (a LoRA adapter or every weight), its optimizer, and its checkpoints.
 *
 * <p>A checkpoint folder is also what other tools load: for LoRA a PEFT adapter folder ({@code
 * adapter_config.json} naming the base model, {@code adapter_model.safetensors}) with the base's
 * tokenizer files; for full training a Hugging Face model folder (float32 safetensors, config and
 * tokenizer). The rollout job samples from either ({@code policy.checkpoint}), and a run resumes
 * from its newest one: the trained tensors come from those files, the optimizer's moments and the
 * step from the checkpoint's own.
 */
final class HfTrainee {

  static final String FORMAT = "hf";
  private static final ObjectMapper JSON = new ObjectMapper();

  final ModelFolder baseFolder;
  final HfWeights base;
  final HfPromptFormat format;
  final LoraAdapter adapter;
  final HfTrainingModel model;
  final HfAdamW adam;
  final int resumedFrom;
  private final TrainerConfig config;

  private HfTrainee(TrainerConfig config, ModelFolder baseFolder, HfWeights base, HfPromptFormat format,
      LoraAdapter adapter, Map<String, INDArray> optimizerState, int resumedFrom) {
    this.config = config;
    this.baseFolder = baseFolder;
    this.base = base;
    this.format = format;
    this.adapter = adapter;
    boolean checkpointing = config.hf().gradientCheckpointing();
    this.model = adapter != null ? HfTrainingModel.lora(base, adapter, checkpointing)
        : HfTrainingModel.full(base, checkpointing);
    TrainerConfig.OptimizerConfig o = config.optimizer();
    this.adam = new HfAdamW(model.parameters(), o.beta1(), o.beta2(), 1e-8, o.weightDecay());
    if (optimizerState != null) {
      adam.loadState(optimizerState);
    }
    this.resumedFrom = resumedFrom;
  }

  /**
   * The run's newest checkpoint if it has one (its kind must be {@code kind}), else a new adapter
   * (or the base weights, for full training) of {@code trainer.hf.base-model}.
   */
  static HfTrainee open(TrainerConfig config, Configuration hadoop, URI runDir, String kind, PrintStream console)
      throws IOException {
    return open(config, hadoop, runDir, kind, null, console);
  }

  /**
   * Like {@link #open(TrainerConfig, Configuration, URI, String, PrintStream)}, a new run starting
   * from {@code start} when it is not null: a Hugging Face model folder (a new adapter, or its
   * weights for full training), a PEFT adapter folder (that adapter trains on, over its base), or a
   * run folder of this trainer (its newest checkpoint, one of those two).
   */
  static HfTrainee open(TrainerConfig config, Configuration hadoop, URI runDir, String kind, String start,
      PrintStream console) throws IOException {
    CheckpointStore store = new CheckpointStore(hadoop);
    Optional<URI> latest = store.latest(runDir);
    TrainerConfig.HfConfig hf = config.hf();
    if (latest.isEmpty() && start != null) {
      URI startUri = PolicyLoader.toUri(start);
      URI folderUri = store.latest(startUri).orElse(startUri);
      ModelFolder folder = new HadoopModelFolder(folderUri, hadoop);
      if (PeftAdapterReader.isAdapter(folder)) {
        LoraAdapter adapter = PeftAdapterReader.read(folder);
        ModelFolder baseFolder = PolicyLoader.adapterBase(folder, adapter.baseModel());
        HfTrainee t = new HfTrainee(config, baseFolder, HfCausalLm.load(baseFolder).weights(),
            HfPromptFormat.load(baseFolder), adapter, null, 0);
        console.printf(Locale.ROOT, "%s: new run in %s from the adapter %s over %s: %s%n", kind, runDir, folderUri,
            location(baseFolder), t.describeMethod());
        return t;
      }
      return fresh(config, folder, kind, runDir, console);
    }
    if (latest.isEmpty()) {
      if (!hf.enabled()) {
        throw new IllegalArgumentException("no Hugging Face model to train: give --base-model DIR or set"
            + " trainer.hf.base-model");
      }
      return fresh(config, new HadoopModelFolder(PolicyLoader.toUri(hf.baseModel()), hadoop), kind, runDir, console);
    }
    Checkpoint c = store.load(latest.get());
    String found = c.trainerState().path("kind").asText("");
    if (!kind.equals(found)) {
      throw new IllegalStateException(runDir + " holds a '" + found + "' run, not a " + kind + " run: use another run"
          + " directory");
    }
    JsonNode m = c.modelConfig();
    String baseLocation = m.path("base_model").asText();
    if (hf.enabled() && !PolicyLoader.toUri(hf.baseModel()).equals(PolicyLoader.toUri(baseLocation))) {
      throw new IllegalArgumentException(runDir + " trains " + baseLocation + ", not " + hf.baseModel()
          + ": resume it without --base-model, or write the new run to another run directory");
    }
    ModelFolder checkpoint = new HadoopModelFolder(latest.get(), hadoop);
    ModelFolder folder = new HadoopModelFolder(PolicyLoader.toUri(baseLocation), hadoop);
    HfTrainee t;
    if (m.path("method").asText().equals(TrainerConfig.Method.FULL.configName())) {
      t = new HfTrainee(config, folder, HfCausalLm.load(checkpoint).weights(), HfPromptFormat.load(folder), null,
          c.optimizerState(), c.step());
    } else {
      HfWeights base = HfCausalLm.load(folder).weights();
      t = new HfTrainee(config, folder, base, HfPromptFormat.load(folder), PeftAdapterReader.read(checkpoint),
          c.optimizerState(), c.step());
    }
    console.printf(Locale.ROOT, "%s: resuming %s from step %d (%s; %s)%n", kind, runDir, c.step(), latest.get(),
        t.describeMethod());
    return t;
  }

  /**
   * A folder's location as other tools take it: a plain path for a local folder (PEFT's {@code
   * base_model_name_or_path} is handed to {@code from_pretrained}), else its URI.
   */
  static String location(ModelFolder folder) {
    URI uri = URI.create(folder.location());
    return "file".equals(uri.getScheme()) ? java.nio.file.Path.of(uri).toString() : folder.location();
  }

  /** A new adapter over the model in {@code folder}, or its weights for full training. */
  private static HfTrainee fresh(TrainerConfig config, ModelFolder folder, String kind, URI runDir, PrintStream console)
      throws IOException {
    TrainerConfig.HfConfig hf = config.hf();
    HfWeights base = HfCausalLm.load(folder).weights();
    LoraAdapter adapter = hf.method() == TrainerConfig.Method.FULL ? null
        : new LoraSpec(hf.lora().rank(), hf.lora().alpha(), hf.lora().dropout(),
            LoraSpec.targets(hf.lora().targetModules())).initialise(base.config(), location(folder), config.seed());
    HfTrainee t = new HfTrainee(config, folder, base, HfPromptFormat.load(folder), adapter, null, 0);
    console.printf(Locale.ROOT, "%s: new run in %s: %s (%s), %s, %,d trained values%n", kind, runDir,
        location(folder), base.config().architecture().className(), t.describeMethod(), t.model.trainedValues());
    return t;
  }

  HfModelConfig modelConfig() {
    return base.config();
  }

  /** What a step of {@code tokens} tokens, rows up to {@code length}, holds in memory (an estimate). */
  HfTrainingMemory memory(long tokens, int length) {
    return HfTrainingMemory.estimate(base.config(), adapter == null ? null : adapter.rank(),
        adapter == null ? null : adapter.modules().stream().map(LoraAdapter.Module::target)
            .collect(java.util.stream.Collectors.toSet()), tokens, length, config.hf().gradientCheckpointing());
  }

  String describeMethod() {
    return adapter == null ? "full training"
        : String.format(Locale.ROOT, "LoRA r %d, alpha %s, dropout %s on %s", adapter.rank(), adapter.alpha(),
            adapter.dropout(), adapter.targetModules());
  }

  /** Clips the gradients' global norm to {@code trainer.optimizer.gradient-clip} (0: off); returns the norm before. */
  double clip(Map<String, INDArray> grads) {
    double norm = HfTrainingModel.globalNorm(grads);
    double max = config.optimizer().gradientClip();
    if (max > 0 && norm > max) {
      grads.values().forEach(g -> g.muli(max / norm));
    }
    return norm;
  }

  /** Saves step {@code step}: the trained tensors as PEFT or Hugging Face files, the optimizer, {@code state}. */
  URI save(CheckpointStore store, URI runDir, int step, DataDescription data, Map<String, Double> metrics,
      ObjectNode state) throws IOException {
    ObjectNode modelConfig = JSON.createObjectNode();
    modelConfig.put("format", FORMAT);
    modelConfig.put("method", (adapter == null ? TrainerConfig.Method.FULL : TrainerConfig.Method.LORA).configName());
    modelConfig.put("base_model", location(baseFolder));
    modelConfig.put("architecture", base.config().architecture().className());
    modelConfig.put("prompt", format.describe());
    PendingFiles files = new PendingFiles();
    if (adapter != null) {
      PeftAdapterWriter.write(files, adapter, SafetensorsDtype.F32, base.config().numHiddenLayers());
      for (String name : HfCheckpointExporter.COPIED) {
        if (baseFolder.exists(name)) {
          String text = baseFolder.readString(name);
          files.writeString(name, text);
        }
      }
    } else {
      HfCheckpointExporter.export(baseFolder, base, Optional.empty(), files,
          new HfCheckpointExporter.Options(SafetensorsDtype.F32, ShardPlan.DEFAULT_MAX_SHARD_BYTES));
    }
    byte[] tokenizer = baseFolder.readString("tokenizer.json").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Checkpoint c = new Checkpoint(step, Instant.now(), data, metrics, modelConfig, tokenizer, Map.of(),
        new LinkedHashMap<>(adam.state()), state);
    // The checkpoint's own tokenizer.json is the base's, which a PEFT or model folder needs anyway.
    files.contents.remove(CheckpointStore.TOKENIZER);
    Map<String, CheckpointStore.Writer> extra = new LinkedHashMap<>();
    files.contents.forEach((name, content) -> extra.put(name, content::writeTo));
    return store.save(runDir, c, extra);
  }

  /** An export folder that keeps what is written for the checkpoint store to write. */
  private static final class PendingFiles implements ExportFolder {
    final Map<String, Content> contents = new LinkedHashMap<>();

    @Override
    public String location() {
      return "checkpoint";
    }

    @Override
    public void write(String fileName, Content content) {
      contents.put(fileName, content);
    }

    @Override
    public void deleteIfExists(String fileName) {
      contents.remove(fileName);
    }
  }
}
