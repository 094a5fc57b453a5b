package dev.manimgrpo.policy.model;

/**
 * Linear warmup from 0 to {@code peak} over {@code warmupSteps}, then a cosine from {@code peak}
 * down to {@code floor} at {@code totalSteps}, and {@code floor} after that.
 */
public record LearningRateSchedule(double peak, double floor, long warmupSteps, long totalSteps) {

  public LearningRateSchedule {
    if (!(peak > 0) || floor < 0 || floor > peak) {
      throw new IllegalArgumentException("LearningRateSchedule: need 0 <= floor <= peak and peak > 0,"
          + " got peak " + peak + ", floor " + floor);
    }
    if (warmupSteps < 0 || totalSteps < warmupSteps) {
      throw new IllegalArgumentException("LearningRateSchedule: need 0 <= warmupSteps <= totalSteps,"
          + " got " + warmupSteps + " and " + totalSteps);
    }
  }

  /** Learning rate for the update with 0-based index {@code step}. */
  public double at(long step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    if (step >= totalSteps) {
      return floor;
    }
    double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
    return floor + 0.5 * (peak - floor) * (1 + Math.cos(Math.PI * progress));
  }
}
