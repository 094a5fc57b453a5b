package dev.manimgrpo.trainer.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.TrainerConfig;
import dev.manimgrpo.trainer.bench.TrainerBenchmark;
import dev.manimgrpo.policy.model.ModelConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Training and sampling throughput against the machine's matrix-product limit. */
@Command(name = "bench", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark training tokens/s against the FLOP-bound limit, and sampling with and without the KV cache,"
        + " for each engine.",
    description = "%nThe model has the shape trainer.model.* (the starter policy's by default) and a vocabulary of "
        + "--vocab ids. Prints ratios measured side by side in this run.%n")
public final class TrainerBenchCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--vocab", defaultValue = "2048", description = "Vocabulary size.")
  int vocab;

  @Option(names = "--batch", defaultValue = "8", description = "Sequences per training step.")
  int batch;

  @Option(names = "--tokens", defaultValue = "256", description = "Tokens per training sequence.")
  int tokens;

  @Option(names = "--steps", defaultValue = "3", description = "Timed steps (the best counts).")
  int steps;

  @Option(names = "--new-tokens", defaultValue = "128", description = "Tokens sampled per completion.")
  int newTokens;

  @Option(names = "--engines", split = ",", defaultValue = "samediff,nd4j",
      converter = EngineConverter.class, description = "Engines to time (samediff, nd4j), comma-separated.")
  List<TrainerConfig.Engine> engines;

  static final class EngineConverter implements CommandLine.ITypeConverter<TrainerConfig.Engine> {
    @Override
    public TrainerConfig.Engine convert(String value) {
      return TrainerConfig.Engine.fromConfig(value);
    }
  }

  @Override
  public Integer call() {
    PipelineConfig config = options.load();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("engines", engines, "batch", batch, "tokens", tokens, "steps", steps));
    }
    TrainerConfig.ModelShape m = config.trainer().model();
    ModelConfig shape = new ModelConfig(vocab, m.layers(), m.heads(), m.width(), Math.max(m.contextLength(), tokens),
        m.mlpMultiplier(), m.dropout());
    int group = config.policy().sampling().groupSize();
    new TrainerBenchmark(System.out).run(new TrainerBenchmark.Settings(shape, batch, tokens, steps, group, 64,
        newTokens, engines));
    return 0;
  }
}
