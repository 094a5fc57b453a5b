package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.jobs.bench.RewardBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The reward stage's cost next to the render stage's, for the same rollouts. */
@Command(name = "bench-reward", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark the reward stage (code reward + visual similarity) against the render stage, per core.",
    description = "%nRenders a rollout per bundled scene in the reward profile, scores it against its reference, "
        + "and prints both stages' time and their ratio (target: reward < 5%% of render).%n")
public final class BenchRewardCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Only the first N scenes (0 = all).")
  int limit;

  @Override
  public Integer call() {
    var config = options.load();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("limit", limit));
    }
    new RewardBenchmark(config, System.out).run(limit);
    return 0;
  }
}
