package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.rollout.ThroughputModel;
import dev.manimgrpo.jobs.bench.ScaleBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The capacity model of a large run, checked against this machine at several render-slot counts. */
@Command(name = "bench-scale", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Check the rollout job's capacity model against measurements here, then plan a cluster with it.",
    description = {"%nA warm-up samples the bundled sample once with the policy; then the rollout job replays those",
        "completions (rendering, scoring, writing) on local Spark at each --slots value, one task slot per render",
        "slot. The first run calibrates the model (render and reward seconds per rollout, fixed cost per write); the",
        "others are predicted and printed beside the measurement. Last, the model plans the --plan-* cluster with",
        "the work measured here. See docs/scaling.md for the model.%n"})
public final class BenchScaleCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--prompts", paramLabel = "N", defaultValue = "16", description = "Prompts per run (0 = all of the bundled sample).")
  int prompts;

  @Option(names = "--slots", paramLabel = "N", split = ",", defaultValue = "1,2,4",
      description = "Render slots to measure, comma-separated; the first calibrates the model.")
  List<Integer> slots;

  @Option(names = "--plan-executors", paramLabel = "N", defaultValue = "16", description = "Executors of the cluster to plan.")
  int planExecutors;

  @Option(names = "--plan-cores", paramLabel = "N", defaultValue = "8", description = "Cores per executor of the plan.")
  int planCores;

  @Option(names = "--plan-slots", paramLabel = "N", defaultValue = "8", description = "Render slots (render.workers) per executor of the plan.")
  int planSlots;

  @Option(names = "--plan-policy-tokens-per-second", paramLabel = "T", defaultValue = "0",
      description = "A policy server's aggregate generation throughput (0: the policy samples in the executors, at the cost measured here).")
  double planTokensPerSecond;

  @Option(names = "--plan-store-mb-per-second", paramLabel = "MB", defaultValue = "0",
      description = "The object store's write rate for the job (0: not limiting).")
  double planStoreMbPerSecond;

  @Option(names = "--plan-prompts", paramLabel = "N", defaultValue = "1024", description = "Prompts per step of the plan.")
  long planPrompts;

  @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "outputs/bench",
      description = "Where scale-bench.json is written.")
  Path reportDir;

  @Override
  public Integer call() throws Exception {
    if (slots.isEmpty() || slots.stream().anyMatch(n -> n < 1)) {
      throw new IllegalArgumentException("--slots: give one or more counts of at least 1, e.g. --slots 1,2,4");
    }
    PipelineConfig config = options.load("rollout.prompts-per-step", prompts);
    ScaleBenchmark.Plan plan = new ScaleBenchmark.Plan(
        new ThroughputModel.Cluster(planExecutors, planCores, planSlots),
        new ThroughputModel.Services(planTokensPerSecond, planStoreMbPerSecond * 1e6), planPrompts);
    InputPaths.policy("policy", config.policy());
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("prompts", prompts, "slots", slots, "policy", RunFacts.describe(config.policy()),
          "output", reportDir.resolve("scale-bench.json")));
    }
    Path dir = Files.createTempDirectory("bench-scale");
    new ScaleBenchmark(config, System.out).run(slots, plan, dir, reportDir);
    return 0;
  }
}
