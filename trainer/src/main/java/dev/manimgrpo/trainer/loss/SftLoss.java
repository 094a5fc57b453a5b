package dev.manimgrpo.trainer.loss;

/**
 * Supervised fine-tuning's completion-only loss: the mean negative log-likelihood of the
 * completion tokens, prompt (and padding) tokens masked out.
 */
public final class SftLoss {

  private SftLoss() {}

  /**
   * d loss / d logp, which does not depend on the log-probs: {@code -1/n} on each of the {@code n}
   * counted tokens, 0 elsewhere (so the gradient can be taken in the same pass as the forward).
   */
  public static double[][] dLogp(boolean[][] mask) {
    return of(new double[mask.length][mask.length == 0 ? 0 : mask[0].length], mask).dLogp();
  }

  /**
   * @param logp log-probability of each target token, {@code [B][T]}
   * @param mask which targets count (completion tokens)
   */
  public static TokenLoss of(double[][] logp, boolean[][] mask) {
    long n = 0;
    for (boolean[] row : mask) {
      for (boolean m : row) {
        n += m ? 1 : 0;
      }
    }
    double[][] d = new double[logp.length][];
    double sum = 0;
    for (int b = 0; b < logp.length; b++) {
      d[b] = new double[logp[b].length];
      for (int t = 0; t < logp[b].length; t++) {
        if (mask[b][t]) {
          sum -= logp[b][t];
          d[b][t] = -1.0 / n;
        }
      }
    }
    return new TokenLoss(n == 0 ? 0 : sum / n, d, n);
  }
}
