package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
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
    GrpoLoop.Outcome o = GrpoLoop.run(config, System.out, !noProgress && System.console() != null);
    System.out.printf("%ngrpo-loop %s done: %d steps in %s%n", o.runId(), o.steps().size(), o.runDir());
    return 0;
  }
}
