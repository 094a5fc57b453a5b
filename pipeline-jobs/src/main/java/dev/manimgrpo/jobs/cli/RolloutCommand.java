package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.rollout.RolloutJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The main job: one step of GRPO rollouts on Spark. */
@Command(name = "rollout", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Sample GRPO groups from the policy on Spark, render and score every rollout, write Parquet shards.",
    description = {
        "%nFor each prompt of the data set selection (dataset.*; default the bundled sample set), the policy",
        "(policy.backend: dl4j = policy.checkpoint, default bundled-hf, the bundled starter; openai = policy.openai.*) writes",
        "G = policy.sampling.group-size programs; each is rendered in the sandbox (identical programs once),",
        "scored against the cached reference render (code reward, visual similarity, fused reward), and the",
        "group's advantages are computed. One row per rollout, never dropped, goes to",
        "<rollout.dir>/run_id=RUN/step=STEP (Parquet), with _rollout_summary.json beside it.",
        "Rerunning a run's step keeps its complete groups and samples only what is missing.%n"})
public final class RolloutCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run (rollout.run-id; default: rollout-<UTC time>).")
  String runId;

  @Option(names = "--step", paramLabel = "N", description = "Policy step that samples (rollout.step).")
  Integer step;

  @Option(names = "--prompts", paramLabel = "N", description = "Prompts this step (rollout.prompts-per-step; 0 = all).")
  Integer prompts;

  @Option(names = "--checkpoint", paramLabel = "DIR", description = "Policy (policy.checkpoint): a Hugging Face model or adapter"
      + " folder, a trainer run folder, bundled-hf (default) or bundled-own.")
  String checkpoint;

  @Option(names = "--no-progress", description = "No progress bar (a log line every 10%% instead).")
  boolean noProgress;

  @Override
  public Integer call() {
    PipelineConfig config = options.load("rollout.run-id", runId, "rollout.step", step,
        "rollout.prompts-per-step", prompts, "policy.checkpoint", checkpoint);
    InputPaths.dataset(config.dataset());
    InputPaths.policy("policy", config.policy());
    if (dryRun.requested()) {
      var r = config.rollout();
      String id = r.runId().isEmpty() ? "rollout-<UTC time>" : r.runId();
      return dryRun.report(DryRun.facts("run-id", id, "step", r.step(), "prompts",
          r.promptsPerStep() == 0 ? "all" : r.promptsPerStep(), "dataset", RunFacts.describe(config.dataset()),
          "policy", RunFacts.describe(config.policy()), "group-size", config.policy().sampling().groupSize(),
          "output", r.resolvedDir(config.output()) + "/run_id=" + id + "/step=" + r.step()));
    }
    RolloutJob.Outcome outcome = RolloutJob.run(config, !noProgress && System.console() != null);
    System.out.print(outcome.summary().render());
    return 0;
  }
}
