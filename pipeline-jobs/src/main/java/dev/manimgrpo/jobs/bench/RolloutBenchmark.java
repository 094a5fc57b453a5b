package dev.manimgrpo.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.render.RenderRequest;
import dev.manimgrpo.core.render.RenderResult;
import dev.manimgrpo.core.render.RenderWorkerPool;
import dev.manimgrpo.core.render.SlotOccupancy;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rollout job's overhead, end to end on the bundled sample: its wall time against the time the
 * renders alone need on the render slots (sum of render times / slots), as a ratio; and rollouts
 * per second per core with the sampling, render and reward shares of the work; and against the same
 * programs rendered alone on the same pool. The job runs once to warm up (workers, policy, reference
 * cache, JIT), then on a fresh run it measures.
 */
public final class RolloutBenchmark {

  private final PipelineConfig config;
  private final PrintStream out;
  private int warmupsRun = 1;

  public RolloutBenchmark(PipelineConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** What one measured run gave. */
  public record Result(String arm, long rollouts, double wallSeconds, double renderSeconds, double sampleSeconds,
      double rewardSeconds, int renderSlots, int cores, double overhead, double rolloutsPerSecondPerCore,
      double jvmCpuSeconds, Map<String, Double> jvmCpuByThreads, long referencesReused, long referencesPrepared,
      List<Double> secondsAtBusySlots, double rendersAloneSeconds) {

    Result withRendersAlone(double seconds) {
      return new Result(arm, rollouts, wallSeconds, renderSeconds, sampleSeconds, rewardSeconds, renderSlots, cores,
          overhead, rolloutsPerSecondPerCore, jvmCpuSeconds, jvmCpuByThreads, referencesReused, referencesPrepared,
          secondsAtBusySlots, seconds);
    }
  }

  /**
   * Three runs over the same prompts: a warm-up with the policy (workers, policy, reference renders,
   * JIT), then on fresh run ids (a) the warm-up's completions replayed (policy.backend=replay: the
   * pipeline without sampling's cost: what the job adds to the renders) and (b) the policy sampling
   * again (end to end, sampling included).
   */
  public List<Result> run(Path dir, Path reportDir) throws IOException {
    return run(dir, reportDir, 1);
  }

  /** As {@link #run(Path, Path)} with {@code warmups - 1} more warm-ups replaying the first one's completions. */
  public List<Result> run(Path dir, Path reportDir, int warmups) throws IOException {
    return run(dir, reportDir, warmups, null);
  }

  /**
   * As {@link #run(Path, Path, int)}; with {@code completions} (a step's shard partition written
   * before) every run replays that step's completions instead of sampling: the pipeline alone, on
   * the same programs from one benchmark to the next, and arm (b) is left out.
   */
  public List<Result> run(Path dir, Path reportDir, int warmups, String completions) throws IOException {
    return run(dir, reportDir, warmups, completions, 1);
  }

  /**
   * As {@link #run(Path, Path, int, String)} with arm (a) measured {@code repeats} times in a row,
   * each its own column and the median overhead printed: a single run on a small VM moves by several
   * points, and later runs show how the JVM settles.
   */
  public List<Result> run(Path dir, Path reportDir, int warmups, String completions, int repeats) throws IOException {
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be at least 1, got " + repeats);
    }
    SparkSession spark = SparkSessions.start(config, "bench-rollout");
    try {
      String base = RolloutIds.newRunId("bench");
      String replayFrom = completions;
      if (replayFrom == null) {
        out.println("bench-rollout: warm-up run (workers, policy, reference renders)");
        replayFrom = RolloutJob.run(spark, withRun(config.policy(), dir, base + "-warmup"), false).partition();
      } else {
        out.println("bench-rollout: warm-up run replaying " + completions + " (workers, reference renders)");
        RolloutJob.run(spark, withRun(config.policy().replaying(replayFrom), dir, base + "-warmup"), false);
      }
      for (int i = 1; i < warmups; i++) {
        out.println("bench-rollout: warm-up " + (i + 1) + " of " + warmups + " (its completions replayed)");
        RolloutJob.run(spark, withRun(config.policy().replaying(replayFrom), dir, base + "-warmup" + i), false);
      }
      List<Result> results = new java.util.ArrayList<>();
      double cpu;
      JvmThreadCpu threads;
      long[] prepared;
      SlotOccupancy.Reading occupancy;
      for (int r = 1; r <= repeats; r++) {
        out.println("bench-rollout: (a) the warm-up's completions replayed: rendering, scoring, writing"
            + (repeats > 1 ? " (run " + r + " of " + repeats + ")" : ""));
        cpu = jvmCpuSeconds();
        threads = JvmThreadCpu.snapshot();
        prepared = preparedSoFar(spark);
        occupancy = occupancySoFar(spark);
        RolloutJob.Outcome replayed = RolloutJob.run(spark, withRun(config.policy().replaying(replayFrom), dir,
            base + "-replay" + (r > 1 ? r : "")), false);
        Result measured = measure(spark, "replayed completions (pipeline)" + (repeats > 1 ? ", run " + r : ""), replayed,
            jvmCpuSeconds() - cpu, threads, prepared, occupancy);
        // The programs this run rendered (with --prompts N, a replayed step of more prompts renders only N of them).
        results.add(isLocal(spark) ? measured.withRendersAlone(rendersAlone(renderedPrograms(spark, replayed.partition())))
            : measured);
      }
      if (completions == null) {
        out.println("bench-rollout: (b) the policy sampling again: end to end");
        cpu = jvmCpuSeconds();
        threads = JvmThreadCpu.snapshot();
        prepared = preparedSoFar(spark);
        occupancy = occupancySoFar(spark);
        RolloutJob.Outcome sampled = RolloutJob.run(spark, withRun(config.policy(), dir, base + "-e2e"), false);
        results.add(measure(spark, config.policy().backend().configName() + " policy sampling (end to end)", sampled,
            jvmCpuSeconds() - cpu, threads, prepared, occupancy));
      }
      warmupsRun = warmups;
      report(results, reportDir);
      // The shards are kept: a later benchmark replays the same programs from the warm-up's step.
      out.println("bench-rollout: the runs' shards are in " + dir + (completions == null
          ? "; to measure a change on the same programs, replay this warm-up with --completions " + replayFrom : "")
          + " (delete the folder when done)");
      return results;
    } finally {
      if (isLocal(spark)) {
        ExecutorRenderPool.shutdown();
        ExecutorPolicy.clear();
        dev.manimgrpo.jobs.spark.ExecutorScoring.clear();
      }
      spark.stop();
    }
  }

  /**
   * The wall time of the replayed programs rendered alone: every program the replayed step rendered
   * (one per distinct program of a group, as the job renders them), queued at once on the same warm
   * render pool, no Spark job, no rewards, no writing. The job's wall time over this is what the
   * pipeline costs, whatever share of the cores its JVM takes (with slots = cores the JVM's CPU
   * slows the renders down instead of leaving a slot idle, which the ratio over the sum of render
   * times does not see). Local mode only: the pool is this JVM's.
   */
  private double rendersAlone(List<String> programs) {
    out.println("bench-rollout: the same " + programs.size() + " programs rendered alone on the same pool (no Spark, no rewards)");
    RenderWorkerPool pool = ExecutorRenderPool.get(config);
    java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(
        Math.max(1, config.render().workers()));
    try {
      long start = System.nanoTime();
      List<java.util.concurrent.Future<RenderResult>> renders = new java.util.ArrayList<>();
      for (int i = 0; i < programs.size(); i++) {
        String id = "bench-alone-" + i;
        String program = programs.get(i);
        renders.add(threads.submit(() -> pool.render(RenderRequest.frames(id, program))));
      }
      for (java.util.concurrent.Future<RenderResult> f : renders) {
        f.get();
      }
      return (System.nanoTime() - start) / 1e9;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while rendering the programs alone", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("the render pool failed while rendering the programs alone: " + e.getCause(), e);
    } finally {
      threads.shutdownNow();
    }
  }

  /** The programs a step rendered: one per distinct program of a group, as the job renders them. */
  static List<String> renderedPrograms(SparkSession spark, String partition) {
    return spark.read().parquet(partition)
        .where(col(RolloutShardSchema.EXTRACTED_CODE).isNotNull().and(col(RolloutShardSchema.RENDER_SHARED_WITH).isNull())
            .and(col(RolloutShardSchema.STATUS).notEqual(RolloutShardSchema.SAMPLING_ERROR)))
        .select(RolloutShardSchema.EXTRACTED_CODE).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  /**
   * CPU seconds this JVM has used (local mode: the driver and the executor, its sampling included;
   * the renders are other processes). On the same cores as the renders it is what a render slot
   * cannot have: at slots = cores the overhead cannot fall below about this over the renders' time.
   */
  private static double jvmCpuSeconds() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }

  /** Prepared references reused and prepared so far in this JVM (local mode: the executor's). */
  private long[] preparedSoFar(SparkSession spark) {
    if (!isLocal(spark)) {
      return new long[] {-1, -1};
    }
    dev.manimgrpo.reward.rollout.PreparedReferences p = dev.manimgrpo.jobs.spark.ExecutorScoring.preparedReferences(config);
    return new long[] {p.hits(), p.misses()};
  }

  /**
   * The candidate render pool's occupancy so far (local mode: the executor's pool is this JVM's), or
   * null on a cluster.
   */
  private SlotOccupancy.Reading occupancySoFar(SparkSession spark) {
    return isLocal(spark) ? ExecutorRenderPool.get(config).occupancy() : null;
  }

  private Result measure(SparkSession spark, String arm, RolloutJob.Outcome o, double jvmCpu, JvmThreadCpu before,
      long[] preparedBefore, SlotOccupancy.Reading occupancyBefore) {
    // Read first: what follows (the shard's sums) is not the job's.
    SlotOccupancy.Reading occupancy = occupancyBefore == null ? null : occupancySoFar(spark).since(occupancyBefore);
    long[] prepared = preparedSoFar(spark);
    Map<String, Double> byThreads = isLocal(spark) ? JvmThreadCpu.snapshot().since(before) : Map.of();
    Row sums = spark.read().parquet(o.partition()).agg(sum(col("render_seconds")), sum(col("sample_seconds")),
        sum(col("reward_seconds"))).first();
    int executors = Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - (isLocal(spark) ? 0 : 1));
    int slots = config.render().workers() * executors;
    int cores = isLocal(spark) ? Runtime.getRuntime().availableProcessors()
        : executors * spark.sparkContext().getConf().getInt("spark.executor.cores", 1);
    double wall = o.summary().wallSeconds();
    double render = sums.getDouble(0);
    return new Result(arm, o.summary().rolloutsThisRun(), wall, render, sums.getDouble(1), sums.getDouble(2), slots,
        cores, wall / (render / slots) - 1, o.summary().rolloutsThisRun() / wall / cores,
        isLocal(spark) ? jvmCpu : Double.NaN, byThreads, prepared[0] - preparedBefore[0], prepared[1] - preparedBefore[1],
        occupancy == null ? List.of() : withinWallTime(occupancy, wall), Double.NaN);
  }

  private PipelineConfig withRun(dev.manimgrpo.core.config.PolicyConfig policy, Path dir, String runId) {
    return config.withPolicy(policy).withRollout(config.rollout().withRun(runId, 0).withDir(dir.resolve("rollouts").toString()));
  }

  private static boolean isLocal(SparkSession spark) {
    return spark.sparkContext().master().startsWith("local");
  }

  private void report(List<Result> results, Path reportDir) throws IOException {
    List<String> header = new java.util.ArrayList<>(List.of("rollout job, bundled sample"));
    results.forEach(r -> header.add(r.arm()));
    TextTable t = new TextTable(header.toArray(String[]::new)).right(java.util.stream.IntStream.rangeClosed(1,
        results.size()).toArray());
    row(t, "rollouts (prompts x G)", results, r -> Long.toString(r.rollouts()));
    row(t, "job wall time", results, r -> String.format(Locale.ROOT, "%.1f s", r.wallSeconds()));
    row(t, "sum of render times / render slots", results, r -> String.format(Locale.ROOT, "%.1f s / %d = %.1f s",
        r.renderSeconds(), r.renderSlots(), r.renderSeconds() / r.renderSlots()));
    row(t, "pipeline overhead (target < 10%)", results, r -> String.format(Locale.ROOT, "%.1f%% (%.2fx)",
        100 * r.overhead(), 1 + r.overhead()));
    if (results.stream().anyMatch(r -> !Double.isNaN(r.rendersAloneSeconds()))) {
      row(t, "the same programs rendered alone, same pool", results, r -> Double.isNaN(r.rendersAloneSeconds()) ? "-"
          : String.format(Locale.ROOT, "%.1f s", r.rendersAloneSeconds()));
      row(t, "job wall time over the renders alone", results, r -> Double.isNaN(r.rendersAloneSeconds()) ? "-"
          : String.format(Locale.ROOT, "%.1f%% (%.2fx)", 100 * (r.wallSeconds() / r.rendersAloneSeconds() - 1),
              r.wallSeconds() / r.rendersAloneSeconds()));
    }
    if (results.stream().anyMatch(r -> !r.secondsAtBusySlots().isEmpty())) {
      // Where the overhead is: the seconds some render slot had nothing to render, and how many were idle.
      row(t, "render slots busy: all / ... / none", results, r -> r.secondsAtBusySlots().isEmpty() ? "-"
          : busyLevels(r.secondsAtBusySlots()));
    }
    row(t, "rollouts per second per core", results, r -> String.format(Locale.ROOT, "%.3f (%d cores)",
        r.rolloutsPerSecondPerCore(), r.cores()));
    row(t, "JVM CPU (local: driver + executor) / renders", results, r -> Double.isNaN(r.jvmCpuSeconds()) ? "-"
        : String.format(Locale.ROOT, "%.1f s (%.0f%% of the render time)", r.jvmCpuSeconds(),
            100 * r.jvmCpuSeconds() / r.renderSeconds()));
    for (String kind : results.get(0).jvmCpuByThreads().keySet()) {
      row(t, "  of which " + kind, results, r -> r.jvmCpuByThreads().containsKey(kind)
          ? String.format(Locale.ROOT, "%.1f s", r.jvmCpuByThreads().get(kind)) : "-");
    }
    row(t, "groups whose prepared reference was reused", results, r -> r.referencesReused() < 0 ? "-"
        : r.referencesReused() + " of " + (r.referencesReused() + r.referencesPrepared()));
    row(t, "share of work: sampling", results, r -> share(r, r.sampleSeconds()));
    row(t, "share of work: rendering", results, r -> share(r, r.renderSeconds()));
    row(t, "share of work: rewards", results, r -> share(r, r.rewardSeconds()));
    out.print(t.render());
    double[] replays = results.stream().filter(r -> r.arm().startsWith("replayed")).mapToDouble(Result::overhead)
        .sorted().toArray();
    if (replays.length > 1) {
      double median = replays.length % 2 == 1 ? replays[replays.length / 2]
          : (replays[replays.length / 2 - 1] + replays[replays.length / 2]) / 2;
      out.printf(Locale.ROOT, "pipeline overhead of the %d replayed runs: median %.1f%%, from %.1f%% to %.1f%%%n",
          replays.length, 100 * median, 100 * replays[0], 100 * replays[replays.length - 1]);
    }
    Files.createDirectories(reportDir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("policy_backend", config.policy().backend().configName());
    json.put("prompts_per_step", config.rollout().promptsPerStep());
    json.put("group_size", config.policy().sampling().groupSize());
    json.put("warmups", warmupsRun);
    json.put("replayed_runs", results.stream().filter(r -> r.arm().startsWith("replayed")).count());
    json.put("results", results);
    Files.writeString(reportDir.resolve("rollout-bench.json"),
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
    out.println("report: " + reportDir.resolve("rollout-bench.json"));
  }

  private static void row(TextTable t, String label, List<Result> results,
      java.util.function.Function<Result, String> f) {
    List<Object> cells = new java.util.ArrayList<>();
    cells.add(label);
    results.stream().map(f).forEach(cells::add);
    t.add(cells.toArray());
  }

  /**
   * The occupancy over the job's own wall time. The readings bracket more than the job (its summary
   * query after the wall time ends, the calls before it starts), but a render runs only in the
   * job's tasks, inside its wall time: the seconds outside it are all at "none busy".
   */
  static List<Double> withinWallTime(SlotOccupancy.Reading occupancy, double wallSeconds) {
    double[] s = occupancy.secondsAtBusy().clone();
    double outside = java.util.Arrays.stream(s).sum() - wallSeconds;
    s[0] = Math.max(0, s[0] - Math.max(0, outside));
    return java.util.Arrays.stream(s).boxed().toList();
  }

  /** Seconds with every slot busy, then one fewer, down to none: "5.0 / 0.3 / 0.2 s". */
  static String busyLevels(List<Double> secondsAtBusy) {
    StringBuilder sb = new StringBuilder();
    for (int i = secondsAtBusy.size() - 1; i >= 0; i--) {
      sb.append(String.format(Locale.ROOT, "%.2f", secondsAtBusy.get(i))).append(i > 0 ? " / " : " s");
    }
    return sb.toString();
  }

  private static String share(Result r, double seconds) {
    double work = r.sampleSeconds() + r.renderSeconds() + r.rewardSeconds();
    return String.format(Locale.ROOT, "%.1f%% (%.1f s)", 100 * seconds / work, seconds);
  }
}
