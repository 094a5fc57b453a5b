package dev.manimgrpo.reward.advantage;

import dev.manimgrpo.core.config.RewardConfig.Advantage;

/**
 * Group-relative advantages of the G rollouts of one prompt, one small function each (the
 * Spark version, {@link GroupAdvantages}, computes the same with window functions).
 *
 * <p>Numeric guards: a group of one has no baseline, so its advantage is 0 (verl instead passes
 * the raw reward through); a zero-variance group (all rewards equal) gives 0 under every
 * estimator and is flagged by {@link #zeroVariance}; {@code eps} keeps GRPO's division finite.
 */
public final class AdvantageEstimators {

  /** Rewards closer than this are equal for the zero-variance flag. */
  public static final double ZERO_VARIANCE_TOLERANCE = 1e-12;

  private AdvantageEstimators() {}

  /** The advantages of one group under {@code estimator}. */
  public static double[] compute(Advantage estimator, double[] rewards, double eps) {
    if (zeroVariance(rewards)) {
      return new double[rewards.length]; // no signal; avoids 1e-17 / (1e-17 + eps) noise
    }
    return switch (estimator) {
      case GRPO -> grpo(rewards, eps);
      case DR_GRPO -> drGrpo(rewards);
      case RLOO -> rloo(rewards);
    };
  }

  /** GRPO: {@code A_i = (r_i - mean(r)) / (std(r) + eps)}, std the sample (n - 1) deviation as in verl. */
  public static double[] grpo(double[] r, double eps) {
    double[] out = new double[r.length];
    if (r.length < 2) {
      return out;
    }
    double mean = mean(r);
    double std = sampleStd(r, mean);
    for (int i = 0; i < r.length; i++) {
      out[i] = (r[i] - mean) / (std + eps);
    }
    return out;
  }

  /** Dr.GRPO: {@code A_i = r_i - mean(r)}; no division by the group's std. */
  public static double[] drGrpo(double[] r) {
    double[] out = new double[r.length];
    if (r.length < 2) {
      return out;
    }
    double mean = mean(r);
    for (int i = 0; i < r.length; i++) {
      out[i] = r[i] - mean;
    }
    return out;
  }

  /** RLOO: {@code A_i = r_i - mean(r_j, j != i) = n / (n - 1) * (r_i - mean(r))}. */
  public static double[] rloo(double[] r) {
    double[] out = new double[r.length];
    int n = r.length;
    if (n < 2) {
      return out;
    }
    double sum = 0;
    for (double x : r) {
      sum += x;
    }
    for (int i = 0; i < n; i++) {
      out[i] = r[i] - (sum - r[i]) / (n - 1);
    }
    return out;
  }

  /** True when the group carries no learning signal: one member, or all rewards equal. */
  public static boolean zeroVariance(double[] r) {
    if (r.length < 2) {
      return true;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double x : r) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    return max - min <= ZERO_VARIANCE_TOLERANCE;
  }

  static double mean(double[] r) {
    double s = 0;
    for (double x : r) {
      s += x;
    }
    return s / r.length;
  }

  static double sampleStd(double[] r, double mean) {
    double ss = 0;
    for (double x : r) {
      ss += (x - mean) * (x - mean);
    }
    return Math.sqrt(ss / (r.length - 1));
  }
}
