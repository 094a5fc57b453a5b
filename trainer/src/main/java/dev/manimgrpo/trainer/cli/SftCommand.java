package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.DatasetConfig;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.trainer.data.SftDataset;
import dev.manimgrpo.trainer.train.HfSftTrainer;
import dev.manimgrpo.trainer.train.SftTrainer;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Supervised fine-tuning on ManimBench-format data. */
@Command(name = "sft", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Supervised fine-tuning on ManimBench-format data (completion-only loss).",
    description = "%nTrains on dataset.path (empty: the bundled sample set), split trainer.sft.split, and reports the "
        + "completion loss on the held-out split. Writes <run-dir>/step-NNNNNN checkpoints and metrics.jsonl; a run "
        + "directory with checkpoints is resumed from its newest one.%n")
public final class SftCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run directory (local or s3a://); default "
      + "<trainer.output-dir>/sft.")
  String runDir;

  @Option(names = "--base-model", paramLabel = "DIR", description = "Fine-tune this Hugging Face model folder "
      + "(Llama, Qwen2/2.5, Qwen3; local or s3a://) instead of the project's own model: LoRA or full as "
      + "trainer.hf.method says; overrides trainer.hf.base-model. Checkpoints are PEFT adapter (LoRA) or Hugging "
      + "Face model (full) folders that policy.checkpoint can name. bundled-hf: the bundled Hugging Face starter.")
  String baseModel;

  @Option(names = "--no-progress", description = "No progress bar (one log line per 5%% instead).")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    var trainerConfig = baseModel == null ? config.trainer() : config.trainer().withHfBaseModel(baseModel);
    if (trainerConfig.hf().enabled()) {
      // Before any model is loaded, and in a dry run too.
      dev.manimgrpo.policy.hf.train.LoraSpec.targets(trainerConfig.hf().lora().targetModules());
    }
    String split = config.trainer().sft().split();
    DatasetConfig d = config.dataset();
    InputPaths.dataset(d);
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("dataset", RunFacts.describe(d.withSplit(split)), "steps",
          config.trainer().sft().steps(), "model", trainerConfig.hf().enabled() ? trainerConfig.hf().baseModel() + " ("
          + trainerConfig.hf().method().configName() + ")" : "own (engine " + config.trainer().engine().configName() + ")",
          "output",
          runDir != null ? runDir : config.trainer().outputDir() + "/sft"));
    }
    var hadoop = Hadoop.of(config);
    SftDataset train = SftDataset.load(new DatasetConfig(d.path(), d.promptColumn(), split), hadoop);
    SftDataset heldOut = split.equals("all") ? null
        : SftDataset.load(new DatasetConfig(d.path(), d.promptColumn(), split.equals("train") ? "test" : "train"), hadoop);
    URI dir = runDir != null ? location(runDir) : location(config.trainer().outputDir() + "/sft");
    boolean bar = !noProgress && System.console() != null;
    if (trainerConfig.hf().enabled()) {
      new HfSftTrainer(trainerConfig, hadoop, System.out, bar).train(train, heldOut, dir);
    } else {
      new SftTrainer(trainerConfig, hadoop, System.out, bar).train(train, heldOut, dir);
    }
    return 0;
  }

  /** A local path or a URI. */
  static URI location(String s) {
    return dev.manimgrpo.policy.PolicyLoader.toUri(s);
  }
}
