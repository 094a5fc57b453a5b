package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a (run, step) partition already holds, for resuming: its complete groups (exactly G rows,
 * indices 0..G-1, once each, none of them a {@code sampling_error}). Each wave of groups is one Spark
 * write, committed whole, so a killed run leaves complete waves (its uncommitted one in
 * {@code _temporary}, removed here); a crash inside a commit can still leave part of a wave. Files
 * holding rows of an incomplete or duplicated group are deleted before the run goes on, and their
 * groups are sampled again: a rerun never duplicates a row and completes what an interrupted run left.
 *
 * <p>A group with a {@code sampling_error} row is the policy server's failure (down, overloaded, past
 * its timeout after every retry), not an answer of the policy: it is kept as rows with the reason, so
 * nothing is lost, but a rerun of the step requests it again (whole, as a group is always sampled),
 * so an operator recovers from an outage by rerunning the step. A task writes several groups to one
 * file: the complete groups of such a file are first written to a new file of their own (no
 * {@code _SUCCESS} marker), then the file is removed, so only the failed groups are requested again.
 * A crash between the two leaves those groups twice; the next rerun then removes both files and
 * samples them again, as for any duplicated group.
 */
final class ShardState {

  private static final Logger LOG = LoggerFactory.getLogger(ShardState.class);

  /** A complete group: its prompt and whether its rewards had spread. */
  record Group(String promptId, boolean zeroVariance) {}

  private final Map<String, Group> complete;
  private final int removedFiles;

  private ShardState(Map<String, Group> complete, int removedFiles) {
    this.complete = complete;
    this.removedFiles = removedFiles;
  }

  /** Complete groups by prompt id. */
  Map<String, Group> complete() {
    return complete;
  }

  int removedFiles() {
    return removedFiles;
  }

  /** The partition folder of a run's step. */
  static String partition(String dir, String runId, int step) {
    return dir + "/" + RolloutShardSchema.RUN_ID + "=" + runId + "/" + RolloutShardSchema.STEP + "=" + step;
  }

  static ShardState load(SparkSession spark, String dir, String runId, int step, int groupSize) {
    String part = partition(dir, runId, step);
    try {
      Path p = new Path(URI.create(RolloutJob.uri(part)));
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return new ShardState(Map.of(), 0);
      }
      // A killed run's uncommitted wave: its task outputs would otherwise be merged into this run's commit.
      Path pending = new Path(p, "_temporary");
      if (fs.exists(pending)) {
        LOG.warn("removing {}: the uncommitted wave of an interrupted run (its groups are sampled again)", pending);
        fs.delete(pending, true);
      }
      // An S3A magic committer's job folder that a failed write could not clean up (its store went
      // away): readers skip it, but it holds pending uploads' records that mean nothing any more.
      for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(p)) {
        if (st.isDirectory() && st.getPath().getName().startsWith("__magic")) {
          LOG.warn("removing {}: the magic committer's leftovers of an interrupted write", st.getPath());
          fs.delete(st.getPath(), true);
        }
      }
      Dataset<Row> rows = read(spark, dir, part);
      List<Row> groups = rows.withColumn("file", input_file_name())
          .groupBy(col(RolloutShardSchema.GROUP_UID))
          .agg(first(col(RolloutShardSchema.PROMPT_ID)).as("prompt_id"), count("*").as("n"),
              countDistinct(col(RolloutShardSchema.ROLLOUT_INDEX)).as("distinct_n"),
              max(col(RolloutShardSchema.ROLLOUT_INDEX)).as("max_index"),
              max(col(RolloutShardSchema.ZERO_VARIANCE).cast("int")).as("zv"),
              sum(when(col(RolloutShardSchema.STATUS).equalTo(RolloutShardSchema.SAMPLING_ERROR), 1).otherwise(0))
                  .as("sampling_errors"),
              collect_set(col("file")).as("files"))
          .collectAsList();
      Map<String, Group> done = new HashMap<>();
      Map<String, Set<String>> completeByFile = new HashMap<>();
      Set<String> badFiles = new HashSet<>();
      Set<String> failedRequests = new HashSet<>();
      for (Row g : groups) {
        long n = g.getLong(g.fieldIndex("n"));
        long distinct = g.getLong(g.fieldIndex("distinct_n"));
        int maxIndex = g.getInt(g.fieldIndex("max_index"));
        long samplingErrors = g.getLong(g.fieldIndex("sampling_errors"));
        if (n == groupSize && distinct == groupSize && maxIndex == groupSize - 1 && samplingErrors > 0) {
          LOG.warn("group {} of prompt {} has {} of {} rollouts the policy server failed to sample: requesting the"
              + " group again", g.getString(0), g.getString(g.fieldIndex("prompt_id")), samplingErrors, n);
          failedRequests.addAll(g.getList(g.fieldIndex("files")));
        } else if (n == groupSize && distinct == groupSize && maxIndex == groupSize - 1) {
          done.put(g.getString(g.fieldIndex("prompt_id")), new Group(g.getString(g.fieldIndex("prompt_id")),
              g.getInt(g.fieldIndex("zv")) == 1));
          for (Object f : g.getList(g.fieldIndex("files"))) {
            completeByFile.computeIfAbsent((String) f, k -> new HashSet<>()).add(g.getString(0));
          }
        } else if (n == distinct && n > groupSize) {
          throw new IllegalArgumentException(part + " holds group " + g.getString(0) + " with " + n + " rollouts, but"
              + " policy.sampling.group-size is " + groupSize + ": this step was sampled with another group size;"
              + " rerun it with --conf policy.sampling.group-size=" + n + ", or write to a new run (--run-id)");
        } else {
          badFiles.addAll(g.getList(g.fieldIndex("files")));
        }
      }
      for (String f : badFiles) {
        Path fp = new Path(URI.create(f));
        LOG.warn("removing {}: it holds part of an incomplete or duplicated group (an interrupted commit);"
            + " its groups are sampled again", fp);
        fp.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(fp, false);
      }
      failedRequests.removeAll(badFiles);
      // The complete groups beside a failed one are kept first, in one write for all such files.
      Map<String, Set<String>> keep = new HashMap<>();
      for (String f : failedRequests) {
        keep.put(f, completeByFile.getOrDefault(f, Set.of()));
      }
      keepGroups(spark, part, keep);
      for (String f : failedRequests) {
        badFiles.add(f);
        Path fp = new Path(URI.create(f));
        int kept = keep.get(f).size();
        LOG.info("removing {}: it holds a group the policy server failed to sample; the group is requested again{}",
            fp, kept == 0 ? "" : " (its " + kept + " complete groups were written to a new file first)");
        fp.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(fp, false);
      }
      if (!badFiles.isEmpty()) {
        // Other groups of the removed files are gone too: recount.
        ShardState again = load(spark, dir, runId, step, groupSize);
        return new ShardState(again.complete, badFiles.size() + again.removedFiles);
      }
      return new ShardState(done, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect " + part + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the rows of the groups to keep, from their files (whole files of the partition, as tasks
   * committed them), to a new file in the same partition; nothing when there are none. No
   * {@code _SUCCESS} marker: the step is not complete because some of its groups were.
   */
  private static void keepGroups(SparkSession spark, String partition, Map<String, Set<String>> groupsByFile) {
    List<String> files = new java.util.ArrayList<>();
    Set<String> groups = new HashSet<>();
    groupsByFile.forEach((file, g) -> {
      if (!g.isEmpty()) {
        // input_file_name() gives the file URL-encoded; a path string for the reader is the decoded one.
        files.add(new Path(URI.create(file)).toString());
        groups.addAll(g);
      }
    });
    if (files.isEmpty()) {
      return;
    }
    Dataset<Row> rows = spark.read().parquet(files.toArray(String[]::new))
        .where(col(RolloutShardSchema.GROUP_UID).isin(groups.toArray()));
    Map<String, String> options = new HashMap<>(RolloutJob.taskDurableCommit(partition));
    options.put("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
    rows.coalesce(1).write().mode(org.apache.spark.sql.SaveMode.Append).options(options).parquet(partition);
  }

  /** The rows of one (run, step) partition, with the run and step columns from the folder names. */
  static Dataset<Row> read(SparkSession spark, String dir, String partition) {
    return spark.read().schema(RolloutShardSparkSchema.fullSchema()).option("basePath", dir).parquet(partition);
  }
}
