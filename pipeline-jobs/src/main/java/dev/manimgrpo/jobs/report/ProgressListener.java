package dev.manimgrpo.jobs.report;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** A console progress bar that advances as Spark tasks of the current stage finish. */
public final class ProgressListener extends SparkListener implements AutoCloseable {

  private final SparkSession spark;
  private final ProgressBar bar;

  private ProgressListener(SparkSession spark, ProgressBar bar) {
    this.spark = spark;
    this.bar = bar;
  }

  /** Attaches a bar of {@code total} tasks; with {@code show} false it only logs nothing. */
  public static ProgressListener attach(SparkSession spark, String task, int total, boolean show) {
    ProgressBar bar = show
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(250).continuousUpdate().build()
        : null;
    ProgressListener l = new ProgressListener(spark, bar);
    if (bar != null) {
      spark.sparkContext().addSparkListener(l);
    }
    return l;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (bar != null && taskEnd.taskInfo().successful() && bar.getCurrent() < bar.getMax()) {
      bar.step();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      spark.sparkContext().removeSparkListener(this);
      bar.stepTo(bar.getMax());
      bar.close();
    }
  }
}
