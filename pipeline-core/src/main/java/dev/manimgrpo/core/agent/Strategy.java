package dev.manimgrpo.core.agent;

import java.util.Locale;

/** How an answer is produced: the study's three inference strategies. */
public enum Strategy {
  /** One generation, rendered once. */
  DIRECT,
  /** Renderer in the loop: up to K rounds, each retry shown the previous code and its render errors. */
  RITL,
  /** RITL with the API documentation of the names the code uses, in the first round too. */
  RITL_DOC;

  /** The name in tables and configuration: direct, ritl, ritl_doc. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses direct | ritl | ritl_doc (also ritl-doc, any case). */
  public static Strategy parse(String s) {
    String k = s == null ? "" : s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (Strategy x : values()) {
      if (x.name().equals(k)) {
        return x;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + s + "': use direct, ritl or ritl_doc");
  }

  /** Whether failed renders are fed back for another round. */
  public boolean usesRenderFeedback() {
    return this != DIRECT;
  }

  /** Whether prompts carry API documentation. */
  public boolean usesDocs() {
    return this == RITL_DOC;
  }
}
