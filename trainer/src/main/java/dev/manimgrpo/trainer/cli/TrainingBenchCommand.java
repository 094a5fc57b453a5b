package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.trainer.bench.HfTrainingBenchmark;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Training tokens/s of a Hugging Face model: the Java trainer against PyTorch, LoRA and full SFT. */
@Command(name = "bench-training", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark SFT training tokens/s of a Hugging Face model, LoRA and full, in the Java trainer and in"
        + " PyTorch, side by side (target: Java at least as fast).",
    description = "%nPyTorch runs in the transformers root that cluster-conf/provision/hf-oracle.sh builds (Debian's"
        + " python3-torch on OpenBLAS, CPU, float32), with as many threads as the Java side (OMP_NUM_THREADS, 1 by"
        + " default). Both train the same batch of random ids with the mean token NLL and AdamW, LoRA on every linear"
        + " layer, and must report the same first loss. Without --checkpoint a random Qwen2 of the given shape is"
        + " written first.%n")
public final class TrainingBenchCommand implements Callable<Integer> {

  @Mixin DryRun dryRun;

  @Option(names = "--checkpoint", paramLabel = "HF_DIR",
      description = "A local Hugging Face checkpoint folder; empty: a random Qwen2 of the shape below.")
  Path checkpoint;

  @Option(names = "--hidden", defaultValue = "256", description = "Random model: hidden size.")
  int hidden;

  @Option(names = "--layers", defaultValue = "4", description = "Random model: layers.")
  int layers;

  @Option(names = "--heads", defaultValue = "4", description = "Random model: attention heads (key/value heads: half).")
  int heads;

  @Option(names = "--vocab", defaultValue = "8192", description = "Random model: vocabulary size.")
  int vocab;

  @Option(names = "--modes", split = ",", defaultValue = "lora,full", description = "lora, full or both.")
  List<String> modes;

  @Option(names = "--batch", defaultValue = "8", description = "Sequences per step.")
  int batch;

  @Option(names = "--length", defaultValue = "256", description = "Tokens per sequence.")
  int length;

  @Option(names = "--rank", defaultValue = "16", description = "LoRA rank (alpha: twice the rank).")
  int rank;

  @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first.")
  int warmup;

  @Option(names = "--steps", defaultValue = "5", description = "Timed steps per side and mode (the mean).")
  int steps;

  @Override
  public Integer call() throws Exception {
    if (batch < 1 || length < 1 || rank < 1 || warmup < 0 || steps < 1 || vocab < 258) {
      throw new IllegalArgumentException("--batch, --length, --rank and --steps must be positive, --warmup >= 0,"
          + " --vocab >= 258");
    }
    BenchModel.check(checkpoint, hidden, layers, heads);
    for (String m : modes) {
      if (!m.equals("lora") && !m.equals("full")) {
        throw new IllegalArgumentException("--modes takes lora and/or full, got '" + m + "'");
      }
    }
    int threads = BenchModel.threads();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("checkpoint", checkpoint == null ? "random qwen2" : checkpoint, "modes", modes,
          "batch", batch + " x " + length, "threads", threads));
    }
    try (BenchModel model = BenchModel.of(checkpoint, hidden, layers, heads, vocab, Math.max(4096, length + 1))) {
      new HfTrainingBenchmark(System.out).run(model.folder(), modes, batch, length, rank, warmup, steps, threads);
      return 0;
    }
  }
}
