package dev.manimgrpo.jobs.eval.report;

/**
 * One value of a training curve (loss, KL, mean reward, ...), plotted by the report per metric.
 *
 * @param step the training step
 * @param metric the metric's name
 * @param value its value at that step
 */
public record TrainingPoint(int step, String metric, double value) {

  public TrainingPoint {
    if (metric == null || metric.isBlank()) {
      throw new IllegalArgumentException("training point at step " + step + " has no metric name");
    }
  }
}
