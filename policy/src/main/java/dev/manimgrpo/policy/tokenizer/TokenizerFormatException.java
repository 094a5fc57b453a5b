package dev.manimgrpo.policy.tokenizer;

import java.io.IOException;

/** A tokenizer file that is not valid JSON, not a tokenizer, of an unknown version, or inconsistent. */
public final class TokenizerFormatException extends IOException {

  public TokenizerFormatException(String message) {
    super(message);
  }

  public TokenizerFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
