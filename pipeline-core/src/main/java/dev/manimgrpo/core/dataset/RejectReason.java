package dev.manimgrpo.core.dataset;

import java.util.Locale;

/** Why an input row was set aside instead of run; the quarantine table's {@code reason} column. */
public enum RejectReason {
  /** A required value is null or blank (the code, the prompt column). */
  EMPTY_VALUE,
  /** The value's bytes are not valid UTF-8 (Spark would have replaced them with U+FFFD silently). */
  NOT_UTF8,
  /** The prompt is longer than {@code dataset.max-prompt-chars}. */
  PROMPT_TOO_LONG,
  /** The code defines no Scene subclass, so it cannot be the reference. */
  NO_SCENE_CLASS,
  /** The {@code Type} column is not Basic, Intermediate or Advanced. */
  BAD_TYPE,
  /** The {@code Split} column is not train or test. */
  BAD_SPLIT,
  /** Another row has the same sample id (the same code); the first in file order is kept. */
  DUPLICATE_ID,
  /** The reference program did not render; its prompt cannot be scored. */
  REFERENCE_FAILED;

  /** As written in the table: lower case, '_' kept ({@code not_utf8}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
