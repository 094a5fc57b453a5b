package dev.manimgrpo.trainer.train;

import java.util.List;

/**
 * Next-token training rows from whole sequences: input {@code s[0..n-2]}, target {@code s[1..n-1]},
 * right-padded to the longest row of the batch (not to the context length: a batch of short
 * sequences costs what its own tokens cost). A target counts only from its row's first loss
 * position on (the completion: prompt tokens are context, not targets) and never in padding.
 *
 * @param inputs {@code [B][T]} input ids (padding: the pad id)
 * @param targets {@code [B][T]} target ids, -1 where no loss is taken
 * @param mask {@code [B][T]} whether the target counts
 * @param tokens targets that count
 */
public record TokenBatch(int[][] inputs, int[][] targets, boolean[][] mask, long tokens) {

  /**
   * @param sequences whole sequences (prompt then completion), each at least 2 ids long
   * @param lossFrom per sequence, the index of its first id that is a target (the prompt length)
   * @param padId id written into padding positions
   */
  public static TokenBatch of(List<int[]> sequences, int[] lossFrom, int padId) {
    int rows = sequences.size();
    int time = 1;
    for (int[] s : sequences) {
      if (s.length < 2) {
        throw new IllegalArgumentException("a training sequence needs at least 2 ids, got " + s.length);
      }
      time = Math.max(time, s.length - 1);
    }
    int[][] inputs = new int[rows][time];
    int[][] targets = new int[rows][time];
    boolean[][] mask = new boolean[rows][time];
    long tokens = 0;
    for (int b = 0; b < rows; b++) {
      int[] s = sequences.get(b);
      for (int t = 0; t < time; t++) {
        boolean real = t < s.length - 1;
        inputs[b][t] = real ? s[t] : padId;
        boolean counts = real && t + 1 >= lossFrom[b];
        targets[b][t] = counts ? s[t + 1] : -1;
        mask[b][t] = counts;
        tokens += counts ? 1 : 0;
      }
    }
    return new TokenBatch(inputs, targets, mask, tokens);
  }

  /** Log-probs as doubles, for the pure loss functions. */
  public static double[][] toDouble(float[][] values) {
    double[][] out = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      out[i] = new double[values[i].length];
      for (int j = 0; j < values[i].length; j++) {
        out[i][j] = values[i][j];
      }
    }
    return out;
  }

  /** A gradient for the model's backward pass. */
  public static org.nd4j.linalg.api.ndarray.INDArray toArray(double[][] values, org.nd4j.linalg.api.buffer.DataType type) {
    return org.nd4j.linalg.factory.Nd4j.create(values).castTo(type);
  }
}
