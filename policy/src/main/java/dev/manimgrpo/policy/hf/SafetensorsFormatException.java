package dev.manimgrpo.policy.hf;

import java.io.IOException;

/** A safetensors file, index or model folder that does not hold what its format promises. */
public final class SafetensorsFormatException extends IOException {

  public SafetensorsFormatException(String message) {
    super(message);
  }

  public SafetensorsFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
