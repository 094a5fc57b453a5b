package dev.manimgrpo.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.jobs.report.TextTable;
import dev.manimgrpo.jobs.rollout.RolloutJob;
import dev.manimgrpo.jobs.spark.ExecutorPolicy;
import dev.manimgrpo.jobs.spark.ExecutorRenderPool;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rollout job's overhead, end to end on the bundled sample: its wall time against the time the
 * renders alone need on the render slots (sum of render times / slots), as a ratio; and rollouts
 * per second per core with the sampling, render and reward shares of the work. The job runs once
 * to warm up (workers, policy, reference cache, JIT), then on a fresh run it measures.
 */
public final class RolloutBenchmark {

  private final PipelineConfig config;
  private final PrintStream out;

  public RolloutBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** What one measured run gave. */
  public record Result(long rollouts, double wallSeconds, double renderSeconds, double sampleSeconds,
      double rewardSeconds, int renderSlots, int cores, double overhead, double rolloutsPerSecondPerCore) {}

  public Result run(Path dir, Path reportDir) throws IOException {
    SparkSession spark = SparkSessions.start(config, "bench-rollout");
    try {
      String base = RolloutIds.newRunId("bench");
      PipelineConfig warm = withRun(dir, base + "-warmup", 0);
      out.println("bench-rollout: warm-up run (workers, policy, reference renders)");
      RolloutJob.run(spark, warm, false);
      out.println("bench-rollout: measured run");
      RolloutJob.Outcome o = RolloutJob.run(spark, withRun(dir, base, 1), false);
      Row sums = spark.read().parquet(o.partition()).agg(sum(col("render_seconds")), sum(col("sample_seconds")),
          sum(col("reward_seconds"))).first();
      int executors = Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - (isLocal(spark) ? 0 : 1));
      int slots = config.render().workers() * executors;
      int cores = isLocal(spark) ? Runtime.getRuntime().availableProcessors()
          : executors * spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
      double wall = o.summary().wallSeconds();
      double render = sums.getDouble(0);
      double ideal = render / slots;
      Result r = new Result(o.summary().rolloutsThisRun(), wall, render, sums.getDouble(1), sums.getDouble(2), slots,
          cores, wall / ideal - 1, o.summary().rolloutsThisRun() / wall / cores);
      report(r, reportDir);
      return r;
    } finally {
      if (isLocal(spark)) {
        ExecutorRenderPool.shutdown();
        ExecutorPolicy.clear();
      }
      spark.stop();
    }
  }

  private PipelineConfig withRun(Path dir, String runId, int step) {
    return new PipelineConfig(config.runtime(), config.render(), config.reward(), config.cache(), config.dataset(),
        config.output(), config.spark(), config.policy(),
        config.rollout().withRun(runId, step).withDir(dir.resolve("rollouts").toString()), config.trainer());
  }

  private static boolean isLocal(SparkSession spark) {
    return spark.sparkContext().master().startsWith("local");
  }

  private void report(Result r, Path reportDir) throws IOException {
    double work = r.sampleSeconds() + r.renderSeconds() + r.rewardSeconds();
    TextTable t = new TextTable("rollout job, bundled sample", "value").right(1);
    t.add("rollouts (prompts x G)", r.rollouts());
    t.add("job wall time", String.format(Locale.ROOT, "%.1f s", r.wallSeconds()));
    t.add("sum of render times / render slots", String.format(Locale.ROOT, "%.1f s / %d = %.1f s", r.renderSeconds(),
        r.renderSlots(), r.renderSeconds() / r.renderSlots()));
    t.add("pipeline overhead (target < 10%)", String.format(Locale.ROOT, "%.1f%% (wall / ideal = %.2fx)",
        100 * r.overhead(), 1 + r.overhead()));
    t.add("rollouts per second per core", String.format(Locale.ROOT, "%.3f (%d cores)", r.rolloutsPerSecondPerCore(),
        r.cores()));
    t.add("share of work: sampling", String.format(Locale.ROOT, "%.1f%% (%.1f s)", 100 * r.sampleSeconds() / work,
        r.sampleSeconds()));
    t.add("share of work: rendering", String.format(Locale.ROOT, "%.1f%% (%.1f s)", 100 * r.renderSeconds() / work,
        r.renderSeconds()));
    t.add("share of work: rewards", String.format(Locale.ROOT, "%.1f%% (%.1f s)", 100 * r.rewardSeconds() / work,
        r.rewardSeconds()));
    out.print(t.render());
    Files.createDirectories(reportDir);
    Map<String, Object> json = new ObjectMapper().convertValue(r, LinkedHashMap.class);
    json.put("policy_backend", config.policy().backend().configName());
    json.put("prompts_per_step", config.rollout().promptsPerStep());
    json.put("group_size", config.policy().sampling().groupSize());
    Files.writeString(reportDir.resolve("rollout-bench.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    out.println("report: " + reportDir.resolve("rollout-bench.json"));
  }
}
