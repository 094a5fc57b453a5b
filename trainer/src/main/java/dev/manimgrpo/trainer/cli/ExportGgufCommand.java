package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.policy.hf.HadoopModelFolder;
import dev.manimgrpo.policy.hf.ModelFolder;
import dev.manimgrpo.policy.hf.gguf.GgufExport;
import dev.manimgrpo.policy.hf.gguf.GgufWriter.TensorType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a Hugging Face checkpoint as a GGUF file for llama.cpp's llama-server. */
@Command(name = "export-gguf", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Write a Hugging Face Llama / Qwen2 / Qwen3 checkpoint as a GGUF file that llama.cpp's llama-server serves.",
    description = "%nReads config.json, the safetensors weights (f32, bf16 or f16; sharded or not) and tokenizer.json "
        + "(byte-level BPE) of a checkpoint folder, local or s3a://, and writes one GGUF file: llama.cpp's architecture"
        + " (llama, qwen2, qwen3), its metadata keys and tensor names, the vocabulary, special tokens and chat template."
        + " Serve it with e.g. llama-server -m FILE.gguf; the rollout job's openai backend then samples from it with "
        + "token ids and log-probs. F32 keeps the model's numbers (llama-server's greedy tokens equal the Java model's);"
        + " F16 halves the file.%n")
public final class ExportGgufCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--checkpoint", required = true, paramLabel = "HF_DIR",
      description = "Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer.json), local or s3a://;"
          + " bundled-hf: the bundled Hugging Face starter.")
  String checkpoint;

  @Option(names = "--out", required = true, paramLabel = "FILE.gguf", description = "GGUF file to (re)write.")
  Path out;

  @Option(names = "--type", paramLabel = "f32|f16", defaultValue = "f32",
      description = "Storage of the weight matrices (norms and biases stay f32).")
  String type;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    InputPaths.model("--checkpoint", checkpoint, "a Hugging Face checkpoint folder, local or s3a://, or bundled-hf");
    TensorType matrices = switch (type.toLowerCase(Locale.ROOT)) {
      case "f32" -> TensorType.F32;
      case "f16" -> TensorType.F16;
      default -> throw new IllegalArgumentException("--type must be f32 or f16, got '" + type + "'");
    };
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("checkpoint", checkpoint, "output", out, "type", matrices));
    }
    URI location = dev.manimgrpo.policy.PolicyLoader.toUri(checkpoint);
    ModelFolder folder = "file".equals(location.getScheme()) ? ModelFolder.local(Path.of(location))
        : new HadoopModelFolder(location, Hadoop.of(config));
    Path absolute = out.toAbsolutePath();
    if (absolute.getParent() != null) {
      Files.createDirectories(absolute.getParent());
    }
    // Written next to the target and moved over it, so a failed export leaves no half file under its name.
    Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
    try {
      GgufExport.Summary s = GgufExport.export(folder, partial, matrices);
      Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      System.out.printf("%s (%s) written as GGUF %s to %s: %d tensors, %,d bytes, %d tokens%n", folder.location(),
          s.architecture().className(), s.ggufArchitecture(), absolute, s.tensors(), s.bytes(),
          s.vocabulary().tokens().size());
      return 0;
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
