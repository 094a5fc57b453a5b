package dev.manimgrpo.jobs.rollout;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RolloutConfig;
import dev.manimgrpo.core.dataset.ManimBenchSample;
import dev.manimgrpo.core.dataset.Rejection;
import dev.manimgrpo.core.rollout.RolloutIds;
import dev.manimgrpo.core.rollout.StepPrompts;
import dev.manimgrpo.core.spark.ManimBenchLoader;
import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import dev.manimgrpo.jobs.QuarantineTable;
import dev.manimgrpo.jobs.spark.SparkSessions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main job: ManimBench prompts fanned out over the executors into GRPO groups, each sampled,
 * rendered, scored and written as one row per rollout to Parquet shards partitioned by run and
 * step ({@code <rollout.dir>/run_id=R/step=S}).
 *
 * <p>A round of groups (the step's prompts, then each round of dynamic sampling) goes out as one
 * Spark write, a few groups per task and single groups at the round's end ({@code
 * rollout.max-groups-per-task}), with no barrier between groups: the render slots stay busy until
 * the round's last group. On a local or HDFS folder each task's file lands when the task commits
 * (file committer v2), so a killed run keeps every finished task's groups; on s3a:// the magic
 * committer commits a write whole, and
 * {@code rollout.wave-groups} splits a round into smaller writes. Rerunning a (run, step) keeps
 * its complete groups, removes what a crash left half-written, and samples only what is missing,
 * so a killed run never duplicates a row.
 */
public final class RolloutJob {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutJob.class);
  /** The summary's file name inside the step's partition folder (Spark skips names starting with '_'). */
  public static final String SUMMARY_FILE = "_rollout_summary.json";

  private RolloutJob() {}

  /** What a run produced. */
  public record Outcome(String runId, int step, String shardDir, String partition, RolloutSummary summary) {}

  /** Starts Spark, runs the step, stops Spark. */
  public static Outcome run(PipelineConfig config, boolean showProgress) {
    return SparkSessions.run(config, "rollout", spark -> run(spark, config, showProgress));
  }

  public static Outcome run(SparkSession spark, PipelineConfig config, boolean showProgress) {
    long t0 = System.nanoTime();
    RolloutConfig rc = config.rollout();
    String runId = rc.runId().isEmpty() ? RolloutIds.newRunId("rollout") : rc.runId();
    int step = rc.step();
    int g = config.policy().sampling().groupSize();
    String dir = rc.resolvedDir(config.output());
    String partition = ShardState.partition(dir, runId, step);

    // Bad rows are set aside with their reason (the quarantine), the rest run.
    ManimBenchLoader.Selection selection = ManimBenchLoader.loadCheckedSome(spark, config.dataset());
    List<ManimBenchSample> samples = selection.samples();
    List<ManimBenchSample> order = StepPrompts.order(samples, config.policy().sampling().seed(), step,
        rc.promptsPerStep() > 0);
    List<RolloutPrompt> prompts = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      prompts.add(RolloutPrompt.of(order.get(i), config.dataset().promptColumn(), i));
    }
    int target = rc.promptsPerStep() > 0 ? Math.min(rc.promptsPerStep(), prompts.size()) : prompts.size();

    dev.manimgrpo.jobs.spark.ObjectStoreCommitters.forOutput(spark, dir);
    ShardState state = ShardState.load(spark, dir, runId, step, g);
    Set<String> attempted = new HashSet<>(state.complete().keySet());
    // A prompt whose reference failed in an earlier run of this step stays quarantined, like a complete group stays.
    String quarantine = quarantinePartition(dir, runId, step);
    Set<String> promptIds = new HashSet<>();
    prompts.forEach(p -> promptIds.add(p.promptId()));
    List<Rejection> carried = QuarantineTable.referenceFailures(spark, quarantine).stream()
        .filter(r -> promptIds.contains(r.promptId())).toList();
    carried.forEach(r -> attempted.add(r.promptId()));
    long spread = state.complete().values().stream().filter(x -> !x.zeroVariance()).count();
    LOG.info("rollout run {} step {}: {} prompts x G={} ({} groups already complete), {}, shard {}", runId, step,
        target, g, state.complete().size(), rc.waveGroups() > 0 ? "writes of " + rc.waveGroups() + " groups"
            : "one write per round", partition);

    GroupCosts.Estimate costs = GroupCosts.of(spark, config, dir, runId, step);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    RolloutPartition.RolloutAccumulators acc = RolloutPartition.RolloutAccumulators.register(spark.sparkContext());
    List<RolloutPrompt> firstRound = new ArrayList<>();
    for (RolloutPrompt p : prompts.subList(0, target)) {
      if (!attempted.contains(p.promptId())) {
        firstRound.add(p);
      }
    }
    long roundsStart = System.nanoTime();
    try (RolloutProgress progress = RolloutProgress.attach(spark, firstRound.size(), g, acc, showProgress)) {
      runWaves(spark, jsc, config, runId, step, dir, firstRound, costs, acc);
      firstRound.forEach(p -> attempted.add(p.promptId()));
      if (rc.dynamicSampling().enabled()) {
        // DAPO: keep drawing down the step's order until enough groups have reward spread.
        for (int round = 1; round < rc.dynamicSampling().maxRounds(); round++) {
          spread = countSpread(spark, dir, partition);
          long missing = target - spread;
          if (missing <= 0) {
            break;
          }
          int draw = (int) Math.ceil(missing * rc.dynamicSampling().oversample());
          List<RolloutPrompt> more = new ArrayList<>();
          for (RolloutPrompt p : prompts) {
            if (more.size() >= draw) {
              break;
            }
            if (attempted.add(p.promptId())) {
              more.add(p);
            }
          }
          if (more.isEmpty()) {
            LOG.info("dynamic sampling: no prompts left to draw; the step has {} groups with spread of {}", spread, target);
            break;
          }
          LOG.info("dynamic sampling round {}: {} groups with spread of {}, drawing {} more prompts", round, spread,
              target, more.size());
          progress.grow(more.size());
          runWaves(spark, jsc, config, runId, step, dir, more, costs, acc);
        }
      }
    }
    long roundsEnd = System.nanoTime();
    List<Rejection> quarantined = new ArrayList<>(selection.rejected());
    quarantined.addAll(carried);
    Map<String, String> referenceCode = new HashMap<>();
    prompts.forEach(p -> referenceCode.put(p.promptId(), p.referenceCode()));
    for (QuarantineTable.ReferenceFailure f : acc.referenceFailures().value()) {
      quarantined.add(f.rejection(selection.source(), selection.origins(), referenceCode.get(f.promptId())));
    }
    quarantined = QuarantineTable.distinct(quarantined);
    String quarantineTable = QuarantineTable.replace(spark, quarantine, "rollout", quarantined);
    if (!quarantined.isEmpty()) {
      LOG.warn("rollout run {} step {}: {} input row(s) quarantined in {}; first: {}", runId, step, quarantined.size(),
          quarantine, quarantined.get(0).message());
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    LOG.info("rollout run {} step {}: {} s in all: {} s before the groups (prompts, resume scan, costs), {} s of"
        + " groups, {} s after them (quarantine)", runId, step, seconds(t0, System.nanoTime()),
        seconds(t0, roundsStart), seconds(roundsStart, roundsEnd), seconds(roundsEnd, System.nanoTime()));
    RolloutSummary summary;
    try {
      Dataset<Row> rows = ShardState.read(spark, dir, partition);
      summary = RolloutSummary.of(rows, runId, step, acc.rollouts().value(), wall,
          state.complete().size(), state.removedFiles(), partition, quarantined, quarantineTable);
      writeSummary(spark, partition, summary);
    } catch (Exception e) {
      throw new WaveFailed(runId, step, partition, "writing the step summary", e);
    }
    return new Outcome(runId, step, dir, partition, summary);
  }

  /**
   * A wave (or the summary) failed, typically because the storage went away mid-write: one line that
   * names the step's folder, the root cause and what to do, instead of Spark's stage-failure message
   * with a task's stack trace in it (the cause is kept for --verbose). Whatever complete groups
   * reached the folder, a rerun keeps.
   */
  static final class WaveFailed extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WaveFailed(String runId, int step, String partition, String what, Throwable cause) {
      super("rollout run " + runId + " step " + step + ": " + what + " into " + partition + " failed ("
          + rootCause(cause) + "); the complete groups already there are kept: rerun the same step (--run-id " + runId
          + " --step " + step + ") to complete it", cause);
    }

    /** The innermost cause in one line: its class and the first line of its message, shortened. */
    static String rootCause(Throwable t) {
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String msg = root.getMessage() == null ? "" : root.getMessage().strip().lines().findFirst().orElse("");
      if (msg.length() > 200) {
        msg = msg.substring(0, 200) + "...";
      }
      return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }
  }

  private static String seconds(long from, long to) {
    return String.format(java.util.Locale.ROOT, "%.2f", (to - from) / 1e9);
  }

  /** The step's quarantine partition: {@code <rollout.dir>/_quarantine/run_id=R/step=S}. */
  public static String quarantinePartition(String dir, String runId, int step) {
    return QuarantineTable.partition(dir, dev.manimgrpo.core.rollout.RolloutShardSchema.RUN_ID + "=" + runId + "/"
        + dev.manimgrpo.core.rollout.RolloutShardSchema.STEP + "=" + step);
  }

  private static void runWaves(SparkSession spark, JavaSparkContext jsc, PipelineConfig config, String runId, int step,
      String dir, List<RolloutPrompt> round, GroupCosts.Estimate estimate, RolloutPartition.RolloutAccumulators acc) {
    GroupCosts.Estimate costs = estimate.lookedUpOnce(round);
    List<RolloutPrompt> todo = longestFirst(costs, round);
    int wave = config.rollout().groupsPerWrite(todo.size());
    for (int from = 0; from < todo.size(); from += wave) {
      List<RolloutPrompt> w = todo.subList(from, Math.min(todo.size(), from + wave));
      spark.sparkContext().setJobDescription("rollout " + runId + " step " + step + ": groups " + (from + 1) + "-"
          + (from + w.size()) + " of " + todo.size());
      // A few groups per task, fewer toward the round's end (TaskChunks): Spark's per-task cost is
      // paid once per task, and small tasks at the end keep the slots busy to the last group. Not
      // fewer than a task overlaps (groups-ahead + 1) where the step has groups enough for every
      // slot: a single-group task leaves a render slot idle while it is scored, written and the next
      // task launched.
      int maxPerTask = config.rollout().maxGroupsPerTask();
      int minPerTask = Math.min(maxPerTask, config.rollout().groupsAhead() + 1);
      List<ArrayList<RolloutPrompt>> tasks = new ArrayList<>();
      for (List<RolloutPrompt> t : dev.manimgrpo.core.rollout.TaskChunks.guided(w, costs.cost(),
          spark.sparkContext().defaultParallelism(), minPerTask, maxPerTask)) {
        tasks.add(new ArrayList<>(t));
      }
      JavaRDD<Row> out = jsc.parallelize(tasks, tasks.size())
          .mapPartitions(new RolloutPartition(config, runId, step, acc));
      // Written straight into the step's partition folder (the run and step are its folder names,
      // as partitionBy would write them): the committer's _temporary folder is then the step's own,
      // never shared with another run writing into the same table.
      String partition = ShardState.partition(dir, runId, step);
      try {
        spark.createDataFrame(out, RolloutShardSparkSchema.fullSchema())
            .drop(dev.manimgrpo.core.rollout.RolloutShardSchema.RUN_ID, dev.manimgrpo.core.rollout.RolloutShardSchema.STEP)
            .write().mode(SaveMode.Append).options(taskDurableCommit(partition)).parquet(partition);
      } catch (Exception e) { // Spark's own exceptions are checked ones Scala does not declare
        throw new WaveFailed(runId, step, partition, "groups " + (from + 1) + "-" + (from + w.size()) + " of "
            + todo.size(), e);
      }
    }
    spark.sparkContext().setJobDescription(null);
  }

  /** A round's groups, longest expected first where an estimate exists ({@link GroupCosts}). */
  static List<RolloutPrompt> longestFirst(GroupCosts.Estimate estimate, List<RolloutPrompt> round) {
    if (estimate == GroupCosts.Estimate.NONE || round.isEmpty()) {
      return round;
    }
    int[] known = {0};
    List<RolloutPrompt> out = dev.manimgrpo.core.rollout.LongestFirst.order(round, p -> {
      java.util.OptionalDouble s = estimate.cost().apply(p);
      known[0] += s.isPresent() ? 1 : 0;
      return s;
    });
    LOG.info("groups start longest first: costs from {} known for {} of {}", estimate.source(), known[0], round.size());
    return out;
  }

  /**
   * File committer v2 outside object stores: a task's file is moved into the step's folder when the
   * task commits, not all at job commit, so a killed write keeps its finished groups (a task holds
   * one group, its file lands whole by one rename). On s3a:// the magic committer applies instead.
   */
  static Map<String, String> taskDurableCommit(String partition) {
    return partition.startsWith("s3a://") ? Map.of() : Map.of("mapreduce.fileoutputcommitter.algorithm.version", "2");
  }

  private static long countSpread(SparkSession spark, String dir, String partition) {
    return ShardState.read(spark, dir, partition).where("zero_variance = false").select("group_uid").distinct().count();
  }

  private static void writeSummary(SparkSession spark, String partition, RolloutSummary summary) {
    try {
      Path p = new Path(new Path(URI.create(uri(partition))), SUMMARY_FILE);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream o = fs.create(p, true)) {
        o.write(summary.toJson().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the step summary into " + partition + ": " + e.getMessage(), e);
    }
  }

  /** A local path (made absolute) or a URI such as s3a://bucket/rollouts, as a URI string (the policy loader's rule). */
  public static String uri(String location) {
    return dev.manimgrpo.policy.PolicyLoader.toUri(location).toString();
  }
}
