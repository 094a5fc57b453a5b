package dev.manimgrpo.core.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Correlation coefficients between a code metric and a visual metric: does a program that reads like
 * the reference also look like it?
 */
public final class Correlation {

  private Correlation() {}

  /**
   * Pearson's r = Σ(x − x̄)(y − ȳ) / √(Σ(x − x̄)² · Σ(y − ȳ)²). NaN with fewer than two pairs or when
   * either side is constant (the formula divides by zero: no linear relation is measurable).
   */
  public static double pearson(double[] x, double[] y) {
    requireSameLength(x, y);
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = BootstrapInterval.mean(x);
    double my = BootstrapInterval.mean(y);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * Spearman's ρ: Pearson's r of the ranks, tied values sharing their average rank (so the many
   * failed renders at VS 0 tie rather than being ordered arbitrarily). NaN as for {@link #pearson}.
   */
  public static double spearman(double[] x, double[] y) {
    requireSameLength(x, y);
    return pearson(ranks(x), ranks(y));
  }

  /** 1-based ranks, ties given the mean of the ranks they span. */
  static double[] ranks(double[] v) {
    Integer[] order = new Integer[v.length];
    for (int i = 0; i < v.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> v[i]));
    double[] rank = new double[v.length];
    int i = 0;
    while (i < v.length) {
      int j = i;
      while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
        j++;
      }
      double average = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        rank[order[k]] = average;
      }
      i = j + 1;
    }
    return rank;
  }

  private static void requireSameLength(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("correlation needs pairs: x has " + x.length + " values, y " + y.length);
    }
  }
}
