package dev.manimgrpo.trainer.loss;

/**
 * A loss over per-token log-probabilities of the target tokens, and its gradient with respect to
 * each of them. Every loss the trainer uses has this form, so the model needs one backward pass:
 * from {@code dLoss/dlogp[b][t]} to the parameters.
 *
 * @param loss the scalar loss
 * @param dLogp {@code dLoss/dlogp}, same shape as the log-probs; 0 where the token is masked
 * @param tokens tokens that counted (mask = true)
 */
public record TokenLoss(double loss, double[][] dLogp, long tokens) {}
