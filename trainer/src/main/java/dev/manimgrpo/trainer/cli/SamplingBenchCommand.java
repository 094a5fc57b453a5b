package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.trainer.bench.SamplingBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Sampling tokens/s of a Hugging Face checkpoint: the Java model against llama.cpp on the same weights. */
@Command(name = "bench-sampling", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark greedy decoding tokens/s of a Hugging Face checkpoint in the Java model and in llama.cpp,"
        + " side by side (target: llama.cpp at most 2x faster).",
    description = "%nThe checkpoint is exported to an F32 GGUF file, which llama-bench (from the llama.cpp root that "
        + "cluster-conf/provision/llama-server.sh builds) decodes with as many threads as the Java model has "
        + "(OMP_NUM_THREADS, 1 by default). Without --checkpoint a random Qwen2 of the given shape is written first.%n")
public final class SamplingBenchCommand implements Callable<Integer> {

  @Mixin DryRun dryRun;

  @Option(names = "--checkpoint", paramLabel = "HF_DIR",
      description = "A local Hugging Face checkpoint folder; empty: a random Qwen2 of the shape below.")
  Path checkpoint;

  @Option(names = "--hidden", defaultValue = "512", description = "Random model: hidden size.")
  int hidden;

  @Option(names = "--layers", defaultValue = "8", description = "Random model: layers.")
  int layers;

  @Option(names = "--heads", defaultValue = "8", description = "Random model: attention heads (key/value heads: half).")
  int heads;

  @Option(names = "--vocab", defaultValue = "32000", description = "Random model: vocabulary size.")
  int vocab;

  @Option(names = "--new-tokens", defaultValue = "128", description = "Tokens decoded per measurement.")
  int newTokens;

  @Option(names = "--repeats", defaultValue = "3", description = "Measurements per side (Java: the best; llama-bench: the mean).")
  int repeats;

  @Override
  public Integer call() throws Exception {
    if (newTokens < 1 || repeats < 1) {
      throw new IllegalArgumentException("--new-tokens and --repeats must be positive; got " + newTokens + ", " + repeats);
    }
    BenchModel.check(checkpoint, hidden, layers, heads);
    int threads = BenchModel.threads();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("checkpoint", checkpoint == null ? "random qwen2" : checkpoint,
          "new tokens", newTokens, "threads", threads));
    }
    try (BenchModel model = BenchModel.of(checkpoint, hidden, layers, heads, vocab, 4096)) {
      new SamplingBenchmark(System.out).run(model.folder(), newTokens, threads, repeats);
      return 0;
    }
  }
}
