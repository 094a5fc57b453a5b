package dev.manimgrpo.policy.sampling;

/** Why a completion ended. */
public enum FinishReason {
  /** A stop sequence (token ids or, through the decoder, a string) was produced. */
  STOP,
  /** The end-of-sequence token was produced. */
  EOS,
  /** {@code maxTokens} were produced, or the context length was reached. */
  LENGTH
}
