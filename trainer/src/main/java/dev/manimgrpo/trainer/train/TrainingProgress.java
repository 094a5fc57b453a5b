package dev.manimgrpo.trainer.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The console's view of a training run: a progress bar over optimizer steps whose message shows
 * the latest loss and throughput. Off when there is no console (logs then carry one line every
 * {@code logEvery} steps instead).
 */
final class TrainingProgress implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingProgress.class);

  private final ProgressBar bar;
  private final String task;
  private final int logEvery;

  TrainingProgress(String task, int firstStep, int lastStep, boolean show) {
    this.task = task;
    this.logEvery = Math.max(1, (lastStep - firstStep) / 20);
    this.bar = show
        ? new ProgressBarBuilder().setTaskName(task).setInitialMax(lastStep).setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500).continuousUpdate().startsFrom(firstStep, java.time.Duration.ZERO).build()
        : null;
  }

  void step(int step, String message) {
    if (bar != null) {
      bar.stepTo(step);
      bar.setExtraMessage(" " + message);
    } else if (step % logEvery == 0) {
      LOG.info("{} step {}: {}", task, step, message);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
