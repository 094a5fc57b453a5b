package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.RunFacts;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.RenderSamplesJob;
import dev.manimgrpo.jobs.report.RenderSummary;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Renders the data set's reference scenes on Spark and prints a summary. */
@Command(name = "render-samples", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Render the reference scenes of a ManimBench-format data set (default: the bundled sample set) on Spark.",
    description = {
        "%nEach scene is rendered once per content address (code + manim version + settings) and cached;",
        "one row per sample goes to <output.dir>/reference_renders (Parquet, partitioned by run_id).",
        "Runs on local[*] when started directly; under spark-submit the cluster's master is used.%n"})
public final class RenderSamplesCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run identifier (default: render-<timestamp>).")
  String runId;

  @Option(names = "--no-progress", description = "Do not draw a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    PipelineConfig config = options.load();
    InputPaths.dataset(config.dataset());
    String id = runId != null ? runId : "render-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("run-id", id, "dataset", RunFacts.describe(config.dataset()),
          "output", config.output().dir() + "/reference_renders/run_id=" + id));
    }
    RenderSamplesJob.Outcome outcome = RenderSamplesJob.run(config, id, !noProgress && System.console() != null);
    System.out.print(RenderSummary.render(outcome));
    return 0;
  }
}
