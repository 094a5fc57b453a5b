package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.policy.hf.HadoopModelFolder;
import dev.manimgrpo.policy.hf.HfModelConfig;
import dev.manimgrpo.policy.hf.HfWeights;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.SafetensorsCheckpoint;
import dev.manimgrpo.policy.hf.SafetensorsDtype;
import dev.manimgrpo.policy.hf.export.ExportFolder;
import dev.manimgrpo.policy.hf.export.HfCheckpointExporter;
import dev.manimgrpo.policy.hf.export.ShardPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes a Hugging Face checkpoint as the Java model holds it, as a folder transformers loads unchanged. */
@Command(name = "export-hf", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Write a Hugging Face checkpoint (Llama 3, Qwen2, Qwen3) as safetensors that transformers loads unchanged.",
    description = "%nReads config.json and the safetensors weights of --checkpoint (local or s3a://) as the Java model"
        + " holds them, and writes --out (local or s3a://): the weights under transformers' names in --dtype, sharded"
        + " above --max-shard-size with model.safetensors.index.json as transformers shards them; config.json with"
        + " torch_dtype set (written last: a folder with a config.json is complete); tokenizer.json,"
        + " tokenizer_config.json, special_tokens_map.json, chat_template.jinja and generation_config.json copied"
        + " when present. Each file is written under a temporary name and renamed into place.%n")
public final class ExportHfCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", required = true, paramLabel = "HF_DIR",
      description = "Hugging Face model folder (config.json, *.safetensors), local or s3a://; bundled-hf: the "
          + "bundled Hugging Face starter.")
  String checkpoint;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Folder to write, local or s3a://; files of the same names are replaced.")
  String out;

  @Option(names = "--dtype", paramLabel = "f32|bf16|f16",
      description = "Weight type to write; default: the checkpoint's torch_dtype when it is one of these, else f32.")
  String dtype;

  @Option(names = "--max-shard-size", paramLabel = "SIZE", defaultValue = "5GB",
      description = "Largest weight file, as transformers' max_shard_size: bytes or with KB, MB, GB (powers of 1000)"
          + " or KiB, MiB, GiB.")
  String maxShardSize;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.model("--checkpoint", checkpoint, "a Hugging Face model folder (config.json, *.safetensors), local"
        + " or s3a://, or bundled-hf");
    long maxShard = ShardPlan.parseSize(maxShardSize);
    Optional<SafetensorsDtype> chosen = dtype == null ? Optional.empty() : Optional.of(parseDtype(dtype));
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("checkpoint", checkpoint, "output", out, "dtype",
          chosen.map(d -> d.name().toLowerCase(Locale.ROOT)).orElse("as the checkpoint"), "max-shard-size",
          maxShard));
    }
    Configuration hadoop = Hadoop.of(config);
    ModelFolder source = folder(checkpoint, hadoop);
    HfModelConfig modelConfig = HfModelConfig.read(source);
    HfWeights weights;
    try (SafetensorsCheckpoint ck = SafetensorsCheckpoint.open(source)) {
      weights = HfWeights.load(modelConfig, ck);
    }
    SafetensorsDtype written = chosen.orElseGet(() -> sourceDtype(source));
    HfCheckpointExporter.Result r = HfCheckpointExporter.export(source, weights, Optional.empty(),
        ExportFolder.of(out, hadoop), new HfCheckpointExporter.Options(written, maxShard));
    spec.commandLine().getOut().printf("%s (%s, %d layers) written to %s as %s in %d file(s)%s%n",
        source.location(), modelConfig.architecture().className(), modelConfig.numHiddenLayers(), r.location(),
        HfCheckpointExporter.torchName(written), r.weightFiles().size(),
        r.copiedFiles().isEmpty() ? "" : ", with " + String.join(", ", r.copiedFiles()));
    spec.commandLine().getOut().flush();
    return 0;
  }

  static SafetensorsDtype parseDtype(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "f32", "float32" -> SafetensorsDtype.F32;
      case "bf16", "bfloat16" -> SafetensorsDtype.BF16;
      case "f16", "float16" -> SafetensorsDtype.F16;
      default -> throw new IllegalArgumentException("--dtype: '" + text + "' is not one of f32, bf16, f16");
    };
  }

  private static SafetensorsDtype sourceDtype(ModelFolder source) {
    try {
      return HfCheckpointExporter.configDtype(source.readString(HfModelConfig.FILE)).orElse(SafetensorsDtype.F32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ModelFolder folder(String location, Configuration hadoop) throws IOException {
    URI uri = location.startsWith("file:") ? URI.create(location) : dev.manimgrpo.policy.PolicyLoader.toUri(location);
    return "file".equals(uri.getScheme()) ? ModelFolder.local(Path.of(uri)) : new HadoopModelFolder(uri, hadoop);
  }
}
