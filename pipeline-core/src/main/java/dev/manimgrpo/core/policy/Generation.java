package dev.manimgrpo.core.policy;

import java.util.Objects;

/**
 * One completion as a policy returned it, in types any backend can fill.
 *
 * @param rolloutIndex its index within the group
 * @param seed the seed it was sampled with
 * @param text the completion as text (empty when sampling failed)
 * @param promptTokenIds the prompt's token ids as the policy saw them, when known
 * @param tokenIds the completion's token ids, when known
 * @param logprobs each completion token's log-probability under the policy, when known (same length as
 *     {@code tokenIds} when both are known)
 * @param finishReason why generation ended (eos, stop, length, ...), or null when sampling failed
 * @param error why sampling failed, or null when it did not
 * @param seconds time spent sampling this completion (its share of a batched call)
 * @param promptTokenCount prompt tokens as the backend counted them (a server's {@code usage}), -1 when
 *     unknown; the ids' length wins when the ids are known
 * @param completionTokenCount completion tokens as the backend counted them, -1 when unknown
 */
public record Generation(int rolloutIndex, long seed, String text, int[] promptTokenIds, int[] tokenIds,
    float[] logprobs, String finishReason, String error, double seconds, int promptTokenCount,
    int completionTokenCount) {

  /** A generation whose token counts are those of its ids (unknown without them). */
  public Generation(int rolloutIndex, long seed, String text, int[] promptTokenIds, int[] tokenIds, float[] logprobs,
      String finishReason, String error, double seconds) {
    this(rolloutIndex, seed, text, promptTokenIds, tokenIds, logprobs, finishReason, error, seconds, -1, -1);
  }

  /** Prompt tokens: the ids' length when known, else the backend's count, else -1. */
  public int promptTokens() {
    return promptTokenIds != null ? promptTokenIds.length : promptTokenCount;
  }

  /** Completion tokens: the ids' length when known, else the backend's count, else -1. */
  public int completionTokens() {
    return tokenIds != null ? tokenIds.length : completionTokenCount;
  }

  public Generation {
    Objects.requireNonNull(text, "text");
    if (tokenIds != null && logprobs != null && tokenIds.length != logprobs.length) {
      throw new IllegalArgumentException(tokenIds.length + " token ids but " + logprobs.length + " log-probs");
    }
  }

  /** A completion that could not be sampled, with the reason (no secrets in it: it is written to Parquet). */
  public static Generation failed(int rolloutIndex, long seed, String error, double seconds) {
    return new Generation(rolloutIndex, seed, "", null, null, null, null, Objects.requireNonNull(error, "error"),
        seconds);
  }

  public boolean failed() {
    return error != null;
  }
}
