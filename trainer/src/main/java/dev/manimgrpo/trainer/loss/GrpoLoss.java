package dev.manimgrpo.trainer.loss;

/**
 * GRPO's clipped surrogate with a KL penalty, normalised the Dr.GRPO way (token-level sum divided
 * by a constant, not by each completion's length, which would favour long wrong answers).
 *
 * <p>Per completion token t of completion i, with {@code r = exp(logp - logp_old)}:
 * <pre>
 *   l(i, t) = -min(r * A_i, clip(r, 1 - eps, 1 + eps) * A_i) + beta * KL(i, t)
 *   KL(i, t) = exp(logp_ref - logp) - (logp_ref - logp) - 1      (the k3 estimator, >= 0)
 *   loss = sum_i w_i sum_t mask(i, t) * l(i, t) / (N * L_max)
 * </pre>
 * {@code N} the completions in the batch, {@code L_max} the configured maximum completion length,
 * {@code w_i} a per-completion weight (1, or the zero-variance down-weight). Where the clipped
 * branch is the minimum the surrogate is constant in {@code logp}, so its gradient is 0: that is
 * what clipping means. The gradient:
 * <pre>
 *   dl/dlogp = -r * A_i   (unclipped branch)   or 0 (clipped)
 *            + beta * (1 - exp(logp_ref - logp))
 * </pre>
 */
public final class GrpoLoss {

  private GrpoLoss() {}

  /**
   * The loss, its gradient and the statistics the trainer reports.
   *
   * @param loss total loss
   * @param dLogp gradient with respect to the current log-probs
   * @param tokens completion tokens counted
   * @param surrogate the surrogate part of the loss
   * @param kl mean KL per counted token (k3 estimator)
   * @param clipFraction share of counted tokens whose clipped branch was active
   * @param meanRatio mean importance ratio
   */
  public record Result(double loss, double[][] dLogp, long tokens, double surrogate, double kl, double clipFraction,
      double meanRatio) {
    public TokenLoss asTokenLoss() {
      return new TokenLoss(loss, dLogp, tokens);
    }
  }

  /**
   * @param logp current policy's log-probs of the completion tokens {@code [N][T]}
   * @param oldLogp the sampling policy's {@code [N][T]}
   * @param refLogp the frozen reference policy's {@code [N][T]} (ignored when beta is 0; may be null then)
   * @param mask completion tokens that count
   * @param advantage per completion
   * @param weight per completion (1 = full weight)
   * @param epsilon clip range
   * @param beta KL weight
   * @param maxCompletionTokens the Dr.GRPO normaliser
   */
  public static Result of(double[][] logp, double[][] oldLogp, double[][] refLogp, boolean[][] mask, double[] advantage,
      double[] weight, double epsilon, double beta, int maxCompletionTokens) {
    int n = logp.length;
    if (oldLogp.length != n || mask.length != n || advantage.length != n || weight.length != n
        || (beta != 0 && (refLogp == null || refLogp.length != n))) {
      throw new IllegalArgumentException("GRPO loss inputs disagree on the number of completions (" + n + ")");
    }
    double norm = (double) n * maxCompletionTokens;
    double[][] d = new double[n][];
    double surrogate = 0;
    double klLoss = 0;
    double klSum = 0;
    double ratioSum = 0;
    long clipped = 0;
    long tokens = 0;
    for (int i = 0; i < n; i++) {
      d[i] = new double[logp[i].length];
      double a = advantage[i];
      double w = weight[i];
      for (int t = 0; t < logp[i].length; t++) {
        if (!mask[i][t]) {
          continue;
        }
        tokens++;
        double r = Math.exp(logp[i][t] - oldLogp[i][t]);
        double unclippedTerm = r * a;
        double clippedTerm = Math.min(Math.max(r, 1 - epsilon), 1 + epsilon) * a;
        boolean clip = clippedTerm < unclippedTerm;
        surrogate -= w * Math.min(unclippedTerm, clippedTerm) / norm;
        double grad = clip ? 0 : -a * r;
        clipped += clip ? 1 : 0;
        ratioSum += r;
        if (beta != 0) {
          double diff = refLogp[i][t] - logp[i][t];
          double e = Math.exp(diff);
          klSum += e - diff - 1;
          klLoss += w * beta * (e - diff - 1) / norm;
          grad += beta * (1 - e);
        }
        d[i][t] = w * grad / norm;
      }
    }
    double klMean = tokens == 0 ? 0 : klSum / tokens;
    return new Result(surrogate + klLoss, d, tokens, surrogate, klMean, tokens == 0 ? 0 : (double) clipped / tokens,
        tokens == 0 ? 1 : ratioSum / tokens);
  }
}
