package dev.manimgrpo.policy.checkpoint;

import java.io.IOException;

/** A checkpoint that is incomplete, damaged or of an unknown format; the message says which file and what to do. */
public final class CheckpointCorruptException extends IOException {
  private static final long serialVersionUID = 1L;

  public CheckpointCorruptException(String message) {
    super(message);
  }

  public CheckpointCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
