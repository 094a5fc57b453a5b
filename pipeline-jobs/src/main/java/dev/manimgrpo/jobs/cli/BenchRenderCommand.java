package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.jobs.bench.RenderBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The render benchmark: cold CLI vs warm pool vs reward profile, side by side. */
@Command(name = "bench-render", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark rendering the sample set: (a) cold CLI per scene, (b) warm pool video, (c) warm pool reward frames,"
        + " (d) (c) again with its LaTeX cached.",
    description = "%nPrints scenes/s of each mode and the ratios to (a), plus how closely (c)'s frames match (b)'s."
        + " Reward frames are drawn at render.frame-width (--conf render.frame-width=0 draws them at the preset's size).%n")
public final class BenchRenderCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Only the first N scenes (0 = all).")
  int limit;

  @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "outputs/bench",
      description = "Where render-bench.json is written.")
  Path reportDir;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = options.load();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("limit", limit, "workers", config.render().workers(), "output",
          reportDir.resolve("render-bench.json")));
    }
    new RenderBenchmark(config, System.out).run(limit, reportDir);
    return 0;
  }
}
