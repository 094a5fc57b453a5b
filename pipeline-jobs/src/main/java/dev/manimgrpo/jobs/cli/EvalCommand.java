package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.eval.EvalJob;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The evaluation job: policies x strategies with the renderer in the loop. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Evaluate policies x strategies (direct, RITL, RITL-DOC) on Spark: RSR and VS with intervals, a report.",
    description = {
        "%nEvery policy of eval.policies (default: the policy section; dl4j checkpoints and openai endpoints, each",
        "with a name and a stage: base, sft or sft_grpo) answers every prompt of the data set selection",
        "(dataset.*; e.g. --conf dataset.split=test) with every strategy of eval.strategies:",
        "  direct    one generation, rendered once;",
        "  ritl      up to eval.max-rounds rounds, each retry shown the previous code and its render errors;",
        "  ritl_doc  ritl plus the installed manim's documentation of the names the code uses (a draft is",
        "            revised with its docs before the first render); unknown names get the closest real ones.",
        "Final programs are scored against the cached reference render: vs_study (the study's definition, at",
        "its width) and the project's default visual similarity, 0 for a failed render; CodeBLEU and friends.",
        "Tables (Parquet): <eval.dir>/samples, aggregates, study_results; query them with notebooks/eval.sql.",
        "The report: <eval.dir>/report/eval_id=ID/report.html. Rerunning an id evaluates only what is missing.%n"})
public final class EvalCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--eval-id", paramLabel = "ID", description = "Evaluation run (eval.eval-id; default: eval-<UTC time>).")
  String evalId;

  @Option(names = "--split", paramLabel = "SPLIT", description = "Data split (dataset.split: train, test or all).")
  String split;

  @Option(names = "--limit", paramLabel = "N", description = "First N prompts of the selection (dataset.limit; 0 = all).")
  Integer limit;

  @Option(names = "--strategies", paramLabel = "LIST", description = "Comma-separated: direct,ritl,ritl_doc (eval.strategies).")
  String strategies;

  @Option(names = "--rounds", paramLabel = "K", description = "Most rounds of RITL and RITL-DOC (eval.max-rounds).")
  Integer rounds;

  @Option(names = "--no-progress", description = "No progress bar (a log line every 10%% instead).")
  boolean noProgress;

  @Override
  public Integer call() {
    PipelineConfig config = options.load("eval.eval-id", evalId, "dataset.split", split, "dataset.limit", limit,
        "eval.strategies", strategies == null ? null : "[" + strategies + "]", "eval.max-rounds", rounds);
    InputPaths.dataset(config.dataset());
    var policies = config.eval().resolve(config.policy());
    for (int i = 0; i < policies.size(); i++) {
      InputPaths.policy(config.eval().policies().isEmpty() ? "policy" : "eval.policies[" + i + "]",
          policies.get(i).policy());
    }
    if (dryRun.requested()) {
      var e = config.eval();
      return dryRun.report(DryRun.facts("eval-id", e.evalId().isEmpty() ? "eval-<UTC time>" : e.evalId(),
          "dataset", RunFacts.describe(config.dataset()), "policies", policies.stream()
              .map(p -> p.name() + " (" + RunFacts.describe(p.policy()) + ")").toList(),
          "strategies", e.strategyList(), "output", e.resolvedDir(config.output())));
    }
    EvalJob.Outcome out = EvalJob.run(config, !noProgress && System.console() != null);
    System.out.print(out.render(config.eval().confidence()));
    System.out.printf("%n%d samples (%d evaluated by this run) in %.1f s; tables under %s%n", out.samples().size(),
        out.evaluatedThisRun(), out.wallSeconds(), out.dir());
    if (out.report() != null) {
      System.out.println("report: " + out.report());
    }
    return 0;
  }
}
