package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.bench.RolloutBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The rollout job's pipeline overhead and throughput. */
@Command(name = "bench-rollout", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark the rollout job end to end: its wall time against the renders' own time on the render slots.",
    description = {"%nRuns the rollout job on the bundled sample: a warm-up with the policy and --warmups - 1 more"
        + " that replay its completions (JIT, caches), then on fresh run ids (a) the warm-up's completions replayed"
        + " (the pipeline without sampling), --repeats times, and (b) the policy sampling again, end to end. For each"
        + " it prints the pipeline overhead (wall time / (sum of render times / render slots) - 1; target: under"
        + " 10%%), how many render slots were busy over the wall time, the JVM's own CPU time, rollouts per second"
        + " per core, and the sampling, render and reward shares of the"
        + " work. After each replayed run (local mode) the same programs are rendered alone on the same pool (no"
        + " Spark, no rewards), and the job's wall time over that is printed: where the JVM shares the renders'"
        + " cores it slows the renders instead of idling a slot, which the first ratio does not see.%n"})
public final class BenchRolloutCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--prompts", paramLabel = "N", defaultValue = "8", description = "Prompts per run (0 = all of the bundled sample).")
  int prompts;

  @Option(names = "--warmups", paramLabel = "N", defaultValue = "2",
      description = "Warm-up runs before measuring: the first samples with the policy, the"
          + " others replay it, so that arm (a) runs after its own path has run once (the JIT of a short-lived JVM"
          + " keeps compiling for several steps; 1 measures a JVM that has only sampled).")
  int warmups;

  @Option(names = "--repeats", paramLabel = "N", defaultValue = "3",
      description = "Measure arm (a) N times in a row, each its own column, and print the median"
          + " overhead (one run on a small machine moves by several points).")
  int repeats;

  @Option(names = "--completions", paramLabel = "PARTITION",
      description = "Replay the completions of a step written before (its partition folder, e.g. a warm-up's"
          + " .../run_id=R/step=0) in every run instead of sampling: the pipeline alone, on the same programs from one"
          + " benchmark to the next; arm (b) is left out.")
  String completions;

  @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "outputs/bench",
      description = "Where rollout-bench.json is written.")
  Path reportDir;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load("rollout.prompts-per-step", prompts);
    if (warmups < 1) {
      throw new IllegalArgumentException("--warmups must be at least 1 (the first warm-up samples the completions the measured runs replay), got "
              + warmups);
    }
    InputPaths.policy("policy", config.policy());
    if (repeats < 1) {
      throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
    }
    InputPaths.require("--completions", completions, "a rollout step's partition folder (.../run_id=R/step=S)");
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("prompts", prompts, "warm-ups", warmups, "repeats", repeats, "completions", completions == null ? "sampled by the policy" : completions, "policy", RunFacts.describe(config.policy()), "output",
          reportDir.resolve("rollout-bench.json")));
    }
    Path dir = Files.createTempDirectory("bench-rollout");
    new RolloutBenchmark(config, System.out).run(dir, reportDir, warmups, completions, repeats);
    return 0;
  }
}
