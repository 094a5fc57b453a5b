package dev.manimgrpo.jobs.cli;

import dev.manimgrpo.core.cli.ConfigOptions;
import dev.manimgrpo.core.cli.InputPaths;
import dev.manimgrpo.core.cli.DryRun;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.dataset.BundledSampleSet;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Tools for ManimBench-format data. */
@Command(name = "dataset", mixinStandardHelpOptions = true,
    header = "Validate ManimBench-format Parquet, or export the bundled sample set as Parquet.",
    subcommands = {DatasetCommand.Validate.class, DatasetCommand.Export.class})
public final class DatasetCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reads a file, reports problems by row and column, and prints counts. */
  @Command(name = "validate", mixinStandardHelpOptions = true, showDefaultValues = true,
      header = "Check a ManimBench-format Parquet file (local or s3a://) and print its counts by type and split.")
  public static final class Validate implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Mixin DryRun dryRun;

    @Parameters(paramLabel = "PATH", arity = "0..1",
        description = "Parquet file or folder; default: dataset.path, else the bundled sample set.")
    String path;

    @Override
    public Integer call() {
      PipelineConfig config = options.load();
      // The argument wins; without one, the configured data set is the one meant.
      String target = path != null ? path : config.dataset().bundled() ? null : config.dataset().path();
      InputPaths.require(path != null ? "PATH" : "dataset.path", target, "a ManimBench-format Parquet file or "
          + "folder, local or s3a://bucket/key; none for the bundled sample set");
      String shown = target == null ? "bundled sample set" : target;
      if (dryRun.requested()) {
        return dryRun.report(DryRun.facts("dataset", shown));
      }
      List<ManimBenchSample> samples;
      if (target == null) {
        samples = BundledSampleSet.load();
      } else {
        SparkSession spark = SparkSessions.start(config, "dataset-validate");
        try {
          samples = ManimBenchLoader.read(spark, target, config.dataset().promptColumn());
        } finally {
          spark.stop();
        }
      }
      Map<String, int[]> counts = new TreeMap<>();
      for (ManimBenchSample s : samples) {
        int[] c = counts.computeIfAbsent(s.type().name(), k -> new int[2]);
        c[s.split() == ManimBenchSample.Split.train ? 0 : 1]++;
      }
      TextTable t = new TextTable("type", "train", "test").right(1, 2);
      counts.forEach((k, v) -> t.add(k, v[0], v[1]));
      System.out.println(shown + ": " + samples.size() + " valid samples");
      System.out.print(t.render());
      return 0;
    }
  }

  /** Writes the bundled set as one Parquet file in ManimBench's schema. */
  @Command(name = "export", mixinStandardHelpOptions = true, showDefaultValues = true,
      header = "Write the bundled sample set as a single ManimBench-schema Parquet file.")
  public static final class Export implements Callable<Integer> {
    @Mixin ConfigOptions options;

    @Mixin DryRun dryRun;

    @Option(names = "--out", paramLabel = "FILE", description = "Output file.", defaultValue = "data/manimbench-sample.parquet")
    Path out;

    @Override
    public Integer call() throws Exception {
      PipelineConfig config = options.load();
      if (dryRun.requested()) {
        return dryRun.report(DryRun.facts("dataset", "bundled sample set", "output", out));
      }
      SparkSession spark = SparkSessions.start(config, "dataset-export");
      try {
        int n = SampleSetExport.writeSingleFile(spark, BundledSampleSet.load(), out);
        System.out.println("wrote " + n + " samples to " + out);
      } finally {
        spark.stop();
      }
      return 0;
    }
  }
}
