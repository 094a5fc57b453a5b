package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.loop.GrpoLoop;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The GRPO loop: rollouts, a trainer run, the next checkpoint, N times. */
@Command(name = "grpo-loop", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Run the study's GRPO loop: rollouts on Spark with the current policy, a trainer run on them, repeat.",
    description = {
        "%nEach step runs the rollout job (manim-grpo rollout) with the newest checkpoint, then the trainer",
        "(manim-grpo-trainer grpo, its own process) on the step's shards, whose checkpoint samples the next step.",
        "The run folder holds rollouts/ (Parquet by run_id and step), train/step-NNNNNN/ (checkpoints, metrics)",
        "and loop.json (the reward curve, also printed after every step). Rerun with the same --run-id to resume.",
        "On a cluster, the same steps are separate spark-submit / trainer invocations (cluster-conf/airflow).%n"})
public final class GrpoLoopCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run (rollout.run-id; default: grpo-<UTC time>).")
  String runId;

  @Option(names = "--steps", paramLabel = "N", description = "Loop steps (rollout.loop.steps).")
  Integer steps;

  @Option(names = "--prompts", paramLabel = "N", description = "Prompts per step (rollout.prompts-per-step).")
  Integer prompts;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "Run folder (rollout.loop.dir; default "
      + "<output.dir>/grpo-runs/<run-id>).")
  String runDir;

  @Option(names = "--no-progress", description = "No progress bars.")
  boolean noProgress;

  @Override
  public Integer call() {
    PipelineConfig config = options.load("rollout.run-id", runId, "rollout.loop.steps", steps,
        "rollout.prompts-per-step", prompts, "rollout.loop.dir", runDir);
    InputPaths.dataset(config.dataset());
    InputPaths.policy("policy", config.policy());
    if (dryRun.requested()) {
      var r = config.rollout();
      String id = r.runId().isEmpty() ? "grpo-<UTC time>" : r.runId();
      return dryRun.report(DryRun.facts("run-id", id, "steps", r.loop().steps(), "prompts",
          r.promptsPerStep() == 0 ? "all" : r.promptsPerStep(), "dataset", RunFacts.describe(config.dataset()),
          "policy", RunFacts.describe(config.policy()),
          "output", r.loop().dir().isEmpty() ? config.output().dir() + "/grpo-runs/" + id : r.loop().dir()));
    }
    GrpoLoop.Outcome o = GrpoLoop.run(config, System.out, !noProgress && System.console() != null);
    System.out.printf("%ngrpo-loop %s done: %d steps in %s%n", o.runId(), o.steps().size(), o.runDir());
    return 0;
  }
}
