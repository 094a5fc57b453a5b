package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.RenderProfile;
import dev.manimgrpo.jobs.bench.SandboxBenchmark;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the render sandbox costs, measured side by side. */
@Command(name = "bench-sandbox", mixinStandardHelpOptions = true, showDefaultValues = true,
    header = "Benchmark the render sandbox: the sample set through a warm worker with the full sandbox and with it off.",
    description = {"%nScenes are interleaved (the order alternates), one worker per arm; prints both totals and the",
        "sandbox's cost as a share of render time (target: under 10%). The unsandboxed arm runs only the bundled",
        "reference scenes, never model output.%n"})
public final class BenchSandboxCommand implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Mixin DryRun dryRun;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Only the first N scenes (0 = all).")
  int limit;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "1", description = "Passes over the scenes.")
  int rounds;

  @Option(names = "--profile", paramLabel = "PROFILE", defaultValue = "FRAMES", description = "FRAMES or VIDEO.")
  RenderProfile profile;

  @Option(names = "--report-dir", paramLabel = "DIR", defaultValue = "outputs/bench",
      description = "Where sandbox-bench.json is written.")
  Path reportDir;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
    }
    PipelineConfig config = options.load();
    if (dryRun.requested()) {
      return dryRun.report(DryRun.facts("limit", limit, "rounds", rounds, "profile", profile, "output",
          reportDir.resolve("sandbox-bench.json")));
    }
    new SandboxBenchmark(config, System.out).run(limit, rounds, profile, reportDir);
    return 0;
  }
}
