package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.policy.PromptTemplate;
import dev.manimgrpo.policy.hf.HfTokenizerWriter;
import dev.manimgrpo.policy.hf.SyntheticCheckpoint;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.data.SftExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A new Qwen2-architecture model for the project to train: random weights and a tokenizer learned from the data. */
@Command(name = "init-hf", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Create a new Hugging Face (Qwen2) model folder: random weights, a BPE tokenizer learned from the data.",
    description = "%nLearns a byte-level BPE tokenizer (Qwen2's split rules, so llama.cpp serves it) from the prompts "
        + "and programs of dataset.path (empty: the bundled sample set), split trainer.sft.split, and writes --to: "
        + "config.json, model.safetensors (weights N(0, --init-std), norms 1; tied embeddings), tokenizer.json and "
        + "tokenizer_config.json. Train it with `sft --base-model DIR` and trainer.hf.method: full. The bundled "
        + "starter policy is made this way (scripts/train-starter-policy.sh).%n")
public final class InitHfCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--to", required = true, paramLabel = "DIR", description = "Folder to create (must not exist).")
  Path to;

  @Option(names = "--hidden", defaultValue = "128", description = "hidden_size.")
  int hidden;

  @Option(names = "--layers", defaultValue = "4", description = "num_hidden_layers.")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "num_attention_heads.")
  int heads;

  @Option(names = "--kv-heads", defaultValue = "2", description = "num_key_value_heads (grouped-query attention).")
  int kvHeads;

  @Option(names = "--intermediate", defaultValue = "384", description = "intermediate_size of the SwiGLU MLP.")
  int intermediate;

  @Option(names = "--context", defaultValue = "1024", description = "max_position_embeddings.")
  int context;

  @Option(names = "--vocab", defaultValue = "2048",
      description = "Largest vocabulary (256 bytes, merges, 3 special tokens); fewer when no pair repeats.")
  int vocab;

  @Option(names = "--init-std", defaultValue = "0.02", description = "Standard deviation of the initial weights.")
  double initStd;

  @Option(names = "--seed", defaultValue = "1234", description = "Seed of the initial weights.")
  long seed;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    if (hidden % heads != 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException("--hidden (" + hidden + ") must be a multiple of --heads (" + heads
          + ") and --heads a multiple of --kv-heads (" + kvHeads + ")");
    }
    if (Files.exists(to)) {
      throw new IllegalArgumentException("--to " + to + " exists: name a new folder");
    }
    String split = config.trainer().sft().split();
    DatasetConfig d = config.dataset();
    InputPaths.dataset(d);
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("dataset", RunFacts.describe(d.withSplit(split)), "output", to,
          "shape", hidden + " hidden, " + layers + " layers, " + heads + "/" + kvHeads + " heads"));
    }
    SftDataset data = SftDataset.load(new DatasetConfig(d.path(), d.promptColumn(), split), Hadoop.of(config));
    List<String> texts = new ArrayList<>();
    for (SftExample e : data.examples()) {
      texts.add(PromptTemplate.render(e.prompt()) + PromptTemplate.completion(e.code()));
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no examples in " + data.source() + " (split " + split
          + ") to learn a tokenizer from: choose another split (trainer.sft.split) or dataset.path");
    }
    System.out.printf("[init-hf] learning a tokenizer of up to %d ids from %d examples%n", vocab, texts.size());
    HfTokenizerWriter tokenizer = HfTokenizerWriter.learn(texts, vocab);
    String modelConfig = SyntheticCheckpoint.qwen2Config(hidden, layers, heads, kvHeads, intermediate,
        tokenizer.vocabSize(), context, tokenizer.specialId(HfTokenizerWriter.BOS),
        tokenizer.specialId(HfTokenizerWriter.EOS));
    SyntheticCheckpoint.write(to, modelConfig, seed, initStd, tokenizer, context);
    System.out.printf("[init-hf] wrote %s: Qwen2, %d ids, %d hidden, %d layers, %d/%d heads, context %d%n", to,
        tokenizer.vocabSize(), hidden, layers, heads, kvHeads, context);
    return 0;
  }
}
