package dev.manimgrpo.core.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence interval of a mean.
 *
 * <p>Draws {@code B} resamples of size n with replacement, takes each resample's mean, and reports
 * the empirical {@code α/2} and {@code 1 − α/2} quantiles of those B means, where
 * {@code α = 1 − confidence}. The quantile is the inverse of the empirical distribution function
 * (nearest rank; Hyndman &amp; Fan type 1): with the means sorted ascending as
 * {@code m(1) ≤ … ≤ m(B)}, the p-quantile is {@code m(⌈p·B⌉)} (and {@code m(1)} for p·B ≤ 1). Both
 * ends are therefore means some resample really had: the interval of a 0/1 variable never leaves
 * [0, 1] and never claims a precision the resamples did not show.
 *
 * <p>The generator ({@link SplittableRandom}) is seeded afresh from the same seed on every call, so a
 * table is reproducible and does not depend on the order its cells were computed in; two columns of
 * the same rows (RSR and VS of one group) are resampled with the same indices, a paired bootstrap.
 *
 * <p>n = 0 gives NaN for the mean and both ends; n = 1 gives {@code [x, x]}: one value carries no
 * information about its spread, and the bootstrap says so by collapsing.
 */
public final class BootstrapInterval {

  /** Resamples drawn per interval. */
  public static final int RESAMPLES_DEFAULT = 2000;
  /** Two-sided coverage of the interval. */
  public static final double CONFIDENCE_DEFAULT = 0.95;
  /** Seed of every interval unless a caller asks for another. */
  public static final long SEED_DEFAULT = 20240917L;

  /**
   * A mean and its confidence interval.
   *
   * @param mean the sample mean (NaN without values)
   * @param lo the lower end (NaN without values)
   * @param hi the upper end (NaN without values)
   */
  public record Interval(double mean, double lo, double hi) {

    /** The interval of no values. */
    public static final Interval EMPTY = new Interval(Double.NaN, Double.NaN, Double.NaN);

    /** Whether there were no values to average. */
    public boolean isEmpty() {
      return Double.isNaN(mean);
    }

    /** Whether x lies within [lo, hi]. */
    public boolean contains(double x) {
      return lo <= x && x <= hi;
    }

    /** {@code "0.42 [0.30, 0.55]"} with the given decimals; {@code "n/a"} when empty. */
    public String format(int decimals) {
      if (isEmpty()) {
        return "n/a";
      }
      String f = "%." + decimals + "f";
      return String.format(Locale.ROOT, f + " [" + f + ", " + f + "]", mean, lo, hi);
    }
  }

  private final int resamples;
  private final double confidence;
  private final long seed;

  /**
   * @param resamples B, at least 1
   * @param confidence the coverage, strictly between 0 and 1
   * @param seed the seed every call starts from
   */
  public BootstrapInterval(int resamples, double confidence, long seed) {
    if (resamples < 1) {
      throw new IllegalArgumentException("bootstrap resamples must be at least 1, got " + resamples);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("bootstrap confidence must lie strictly between 0 and 1, got " + confidence);
    }
    this.resamples = resamples;
    this.confidence = confidence;
    this.seed = seed;
  }

  /** B = 2000, 95 %, the default seed. */
  public static BootstrapInterval defaults() {
    return new BootstrapInterval(RESAMPLES_DEFAULT, CONFIDENCE_DEFAULT, SEED_DEFAULT);
  }

  public int resamples() {
    return resamples;
  }

  public double confidence() {
    return confidence;
  }

  /** The mean of {@code values} and its percentile bootstrap interval. */
  public Interval of(double[] values) {
    int n = values.length;
    if (n == 0) {
      return Interval.EMPTY;
    }
    double mean = mean(values);
    if (n == 1) {
      return new Interval(mean, mean, mean);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] means = new double[resamples];
    for (int b = 0; b < resamples; b++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += values[random.nextInt(n)];
      }
      means[b] = sum / n;
    }
    Arrays.sort(means);
    double alpha = 1 - confidence;
    return new Interval(mean, quantile(means, alpha / 2), quantile(means, 1 - alpha / 2));
  }

  /**
   * The p-quantile of ascending {@code sorted} as the inverse empirical distribution function:
   * {@code sorted[⌈p·B⌉ − 1]}, clamped to the first and last element.
   */
  static double quantile(double[] sorted, double p) {
    // a hair below the product keeps 0.975 * 2000 = 1950 from rounding up to rank 1951
    int rank = (int) Math.ceil(p * sorted.length - 1e-9);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
