package dev.manimgrpo.policy.sampling;

import java.util.Arrays;

/**
 * One sampled completion.
 *
 * @param tokens   generated ids, prompt excluded; a final EOS token or stop sequence is included
 *                 (so training sees the model end its answer)
 * @param logProbs per generated token, its log-probability under the policy at temperature 1
 *                 without top-p/min-p filtering (what GRPO's ratio needs), whatever the sampling
 *                 temperature was
 * @param finishReason why generation ended
 */
public record Completion(int[] tokens, float[] logProbs, FinishReason finishReason) {

  public Completion {
    if (tokens.length != logProbs.length) {
      throw new IllegalArgumentException(tokens.length + " tokens but " + logProbs.length
          + " log-probs");
    }
  }

  public int length() {
    return tokens.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Completion c && Arrays.equals(tokens, c.tokens)
        && Arrays.equals(logProbs, c.logProbs) && finishReason == c.finishReason;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(tokens) + Arrays.hashCode(logProbs)) + finishReason.hashCode();
  }

  @Override
  public String toString() {
    return "Completion[" + Arrays.toString(tokens) + ", " + finishReason + "]";
  }
}
