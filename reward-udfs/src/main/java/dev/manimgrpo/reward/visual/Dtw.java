package dev.manimgrpo.reward.visual;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Exact dynamic time warping of two sequences of lengths {@code n} and {@code m} over a local cost
 * {@code c(i, j) >= 0}, in O(n * m) time and O(m) memory.
 *
 * <p>Recurrence (steps (1,0), (0,1), (1,1), all of weight 1):
 * <pre>
 *   D(0, 0) = c(0, 0)
 *   D(i, j) = c(i, j) + min(D(i-1, j-1), D(i-1, j), D(i, j-1))
 * </pre>
 * The result is the total cost {@code D(n-1, m-1)} of the cheapest monotone path from (0, 0) to
 * (n-1, m-1) and that path's length in cells ({@code max(n, m) <= length <= n + m - 1}); among
 * equally cheap predecessors the one with the shorter path is taken, the diagonal on a further tie.
 */
public final class Dtw {

  /** A local cost between element {@code i} of the first and {@code j} of the second sequence. */
  @FunctionalInterface
  public interface Cost {
    double at(int i, int j);
  }

  /**
   * An optimal alignment.
   *
   * @param cost total cost along the path
   * @param pathLength number of cells (aligned pairs) on the path
   */
  public record Alignment(double cost, int pathLength) implements Serializable {

    /** Mean cost per aligned pair, {@code cost / pathLength}. */
    public double meanCost() {
      return cost / pathLength;
    }
  }

  private Dtw() {}

  /** Aligns sequences of lengths {@code n, m >= 1} under {@code cost}. */
  public static Alignment align(int n, int m, Cost cost) {
    Objects.requireNonNull(cost, "cost");
    if (n <= 0 || m <= 0) {
      throw new IllegalArgumentException("DTW needs two non-empty sequences, got lengths " + n + " and " + m);
    }
    double[] prev = new double[m];
    double[] cur = new double[m];
    int[] prevLen = new int[m];
    int[] curLen = new int[m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double c = checked(cost.at(i, j), i, j);
        if (i == 0 && j == 0) {
          cur[j] = c;
          curLen[j] = 1;
          continue;
        }
        double best = Double.POSITIVE_INFINITY;
        int len = 0;
        if (i > 0 && j > 0) {
          best = prev[j - 1];
          len = prevLen[j - 1];
        }
        if (i > 0 && (prev[j] < best || (prev[j] == best && prevLen[j] < len))) {
          best = prev[j];
          len = prevLen[j];
        }
        if (j > 0 && (cur[j - 1] < best || (cur[j - 1] == best && curLen[j - 1] < len))) {
          best = cur[j - 1];
          len = curLen[j - 1];
        }
        cur[j] = c + best;
        curLen[j] = len + 1;
      }
      double[] t = prev;
      prev = cur;
      cur = t;
      int[] tl = prevLen;
      prevLen = curLen;
      curLen = tl;
    }
    return new Alignment(prev[m - 1], prevLen[m - 1]);
  }

  /**
   * An optimal alignment with its path.
   *
   * @param alignment total cost and path length
   * @param steps the aligned pairs {@code {i, j}} from (0, 0) to (n-1, m-1)
   */
  public record Path(Alignment alignment, List<int[]> steps) {}

  /**
   * Like {@link #align(int, int, Cost)}, also returning the path; O(n * m) memory. The cost and
   * length are the same as {@link #align(int, int, Cost)}'s (same recurrence, same tie-breaking).
   */
  public static Path alignWithPath(int n, int m, Cost cost) {
    Objects.requireNonNull(cost, "cost");
    if (n <= 0 || m <= 0) {
      throw new IllegalArgumentException("DTW needs two non-empty sequences, got lengths " + n + " and " + m);
    }
    double[][] d = new double[n][m];
    int[][] len = new int[n][m];
    byte[][] from = new byte[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        double c = checked(cost.at(i, j), i, j);
        if (i == 0 && j == 0) {
          d[i][j] = c;
          len[i][j] = 1;
          continue;
        }
        double best = Double.POSITIVE_INFINITY;
        int l = 0;
        byte step = 0;
        if (i > 0 && j > 0) {
          best = d[i - 1][j - 1];
          l = len[i - 1][j - 1];
          step = DIAGONAL;
        }
        if (i > 0 && (d[i - 1][j] < best || (d[i - 1][j] == best && len[i - 1][j] < l))) {
          best = d[i - 1][j];
          l = len[i - 1][j];
          step = UP;
        }
        if (j > 0 && (d[i][j - 1] < best || (d[i][j - 1] == best && len[i][j - 1] < l))) {
          best = d[i][j - 1];
          l = len[i][j - 1];
          step = LEFT;
        }
        d[i][j] = c + best;
        len[i][j] = l + 1;
        from[i][j] = step;
      }
    }
    List<int[]> steps = new ArrayList<>();
    int i = n - 1;
    int j = m - 1;
    while (true) {
      steps.add(new int[] {i, j});
      if (i == 0 && j == 0) {
        break;
      }
      switch (from[i][j]) {
        case DIAGONAL -> {
          i--;
          j--;
        }
        case UP -> i--;
        default -> j--;
      }
    }
    Collections.reverse(steps);
    return new Path(new Alignment(d[n - 1][m - 1], len[n - 1][m - 1]), steps);
  }

  private static final byte DIAGONAL = 1;
  private static final byte UP = 2;
  private static final byte LEFT = 3;

  private static double checked(double c, int i, int j) {
    if (!(c >= 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("DTW cost at (" + i + ", " + j + ") must be finite and >= 0, got " + c);
    }
    return c;
  }

  /** Aligns by a precomputed cost matrix {@code cost[i][j]}. */
  public static Alignment align(double[][] cost) {
    if (cost.length == 0 || cost[0].length == 0) {
      throw new IllegalArgumentException("DTW needs a non-empty cost matrix");
    }
    return align(cost.length, cost[0].length, (i, j) -> cost[i][j]);
  }

  /** Aligns two scalar sequences with the cost {@code |a_i - b_j|}. */
  public static Alignment alignAbsolute(double[] a, double[] b) {
    return align(a.length, b.length, (i, j) -> Math.abs(a[i] - b[j]));
  }
}
