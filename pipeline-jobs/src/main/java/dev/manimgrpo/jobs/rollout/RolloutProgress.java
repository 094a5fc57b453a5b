package dev.manimgrpo.jobs.rollout;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a rollout step: a bar over groups with rollouts done, rendered and the rate, and ETA;
 * without a terminal, a log line every 10% of the groups. The counts are the Spark accumulators
 * (visible in the Spark UI's stage pages), which Spark merges when a task ends: a task runs several
 * groups (rollout.max-groups-per-task), so the groups done are the prompts accumulator, not the
 * tasks ended.
 */
final class RolloutProgress extends SparkListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutProgress.class);
  private final SparkSession spark;
  private final ProgressBar bar;
  private final RolloutPartition.RolloutAccumulators acc;
  private final int groupSize;
  private final long start = System.nanoTime();
  private long total;
  private long lastLogged;
  private String lastLine = "";

  private RolloutProgress(SparkSession spark, ProgressBar bar, RolloutPartition.RolloutAccumulators acc, long total,
      int groupSize) {
    this.spark = spark;
    this.bar = bar;
    this.acc = acc;
    this.total = total;
    this.groupSize = groupSize;
  }

  static RolloutProgress attach(SparkSession spark, int groups, int groupSize,
      RolloutPartition.RolloutAccumulators acc, boolean showBar) {
    ProgressBar bar = showBar ? new ProgressBarBuilder().setTaskName("rollout groups").setInitialMax(groups)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).continuousUpdate().build() : null;
    RolloutProgress p = new RolloutProgress(spark, bar, acc, groups, groupSize);
    spark.sparkContext().addSparkListener(p);
    return p;
  }

  synchronized void grow(int more) {
    total += more;
    if (bar != null) {
      bar.maxHint(total);
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (!taskEnd.taskInfo().successful() || !"ResultTask".equals(taskEnd.taskType())) {
      return;
    }
    // Spark merged this task's accumulator updates before it posted the event.
    long done = acc.prompts().value();
    double secs = (System.nanoTime() - start) / 1e9;
    long rollouts = acc.rollouts().value();
    String msg = String.format(Locale.ROOT, "%d rollouts, %d rendered, %.2f rollouts/s", rollouts,
        acc.rendered().value(), rollouts / Math.max(secs, 1e-9));
    double eta = done == 0 ? 0 : secs / done * Math.max(0, total - done);
    lastLine = String.format(Locale.ROOT, "%d/%d groups (%d x %d), %s, ETA %d s", done, total, done, groupSize, msg,
        Math.round(eta));
    if (bar != null) {
      bar.stepTo(done);
      bar.setExtraMessage(msg);
    } else if (total > 0 && (done * 10 / total > lastLogged * 10 / total || done >= total) && done > lastLogged) {
      LOG.info("rollout progress: {}", lastLine);
      lastLogged = done;
    }
  }

  /** The last progress line (for tests; the console gets it through the log or the bar). */
  synchronized String lastLine() {
    return lastLine;
  }

  @Override
  public void close() {
    spark.sparkContext().removeSparkListener(this);
    if (bar != null) {
      bar.close();
    }
  }
}
