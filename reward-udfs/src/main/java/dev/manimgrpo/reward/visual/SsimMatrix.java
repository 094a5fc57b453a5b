package dev.manimgrpo.reward.visual;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The all-pairs SSIM matrix {@code S[i][j] = ssim(a_i, b_j)} of two frame sequences of the same
 * frame size ({@link Ssim}, box window). Manim videos hold frames still for long stretches, so
 * each sequence's bitwise-identical frames are computed once and the matrix is filled from them;
 * bitwise-identical frames across the two sequences get exactly 1.
 */
public final class SsimMatrix {

  private SsimMatrix() {}

  /** {@code S[i][j]} for all frames of {@code a} (rows) and {@code b} (columns); sizes must agree. */
  public static double[][] of(GraySequence a, GraySequence b, int window) {
    return of(Distinct.of(a, window), Distinct.of(b, window));
  }

  static double[][] of(Distinct a, Distinct b) {
    double[][] unique = new double[a.stats.length][b.stats.length];
    for (int u = 0; u < a.stats.length; u++) {
      for (int v = 0; v < b.stats.length; v++) {
        unique[u][v] = Ssim.ssim(a.stats[u], b.stats[v]);
      }
    }
    double[][] out = new double[a.index.length][];
    for (int i = 0; i < out.length; i++) {
      double[] row = unique[a.index[i]];
      double[] full = new double[b.index.length];
      for (int j = 0; j < full.length; j++) {
        full[j] = row[b.index[j]];
      }
      out[i] = full;
    }
    return out;
  }

  /**
   * A sequence reduced to its distinct frames: {@code index[i]} is the distinct frame that frame
   * {@code i} equals, {@code stats[u]} that frame's window statistics.
   */
  static final class Distinct {
    final int[] index;
    final WindowStats[] stats;

    private Distinct(int[] index, WindowStats[] stats) {
      this.index = index;
      this.stats = stats;
    }

    static Distinct of(GraySequence seq, int window) {
      int[] index = distinctIndex(seq);
      int uniques = 0;
      for (int v : index) {
        uniques = Math.max(uniques, v + 1);
      }
      WindowStats[] stats = new WindowStats[uniques];
      for (int i = 0; i < index.length; i++) {
        if (stats[index[i]] == null) {
          stats[index[i]] = WindowStats.of(seq.frame(i), seq.width(), seq.height(), window);
        }
      }
      return new Distinct(index, stats);
    }
  }

  /**
   * For each frame, the number of the first bitwise-identical frame among the distinct ones (0, 1,
   * ...); with more than one plane (luma, then colour planes of the same frames) a frame equals
   * another only when every plane does.
   */
  static int[] distinctIndex(GraySequence... planes) {
    GraySequence seq = planes[0];
    int[] index = new int[seq.count()];
    Map<Integer, List<Integer>> byHash = new HashMap<>();
    List<Integer> firsts = new ArrayList<>();
    for (int i = 0; i < index.length; i++) {
      if (i > 0 && sameFrame(planes, i, i - 1)) {
        index[i] = index[i - 1];
        continue;
      }
      int hash = 0;
      for (GraySequence p : planes) {
        hash = 31 * hash + Arrays.hashCode(p.frame(i));
      }
      List<Integer> bucket = byHash.computeIfAbsent(hash, h -> new ArrayList<>());
      int found = -1;
      for (int u : bucket) {
        if (sameFrame(planes, i, firsts.get(u))) {
          found = u;
          break;
        }
      }
      if (found < 0) {
        found = firsts.size();
        firsts.add(i);
        bucket.add(found);
      }
      index[i] = found;
    }
    return index;
  }

  private static boolean sameFrame(GraySequence[] planes, int i, int j) {
    for (GraySequence p : planes) {
      if (!Arrays.equals(p.frame(i), p.frame(j))) {
        return false;
      }
    }
    return true;
  }
}
