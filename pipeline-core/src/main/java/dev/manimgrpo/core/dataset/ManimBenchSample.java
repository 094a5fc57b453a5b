package dev.manimgrpo.core.dataset;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One ManimBench sample: a description of an animation and the reference Manim code.
 *
 * @param sampleId stable id derived from the code (ManimBench has no id column)
 * @param generatedDescription the machine-written description
 * @param reviewedDescription the human-refined description (the study's prompt)
 * @param code the reference module: {@code from manim import *} and one Scene subclass
 * @param type difficulty
 * @param split train or test
 */
public record ManimBenchSample(String sampleId, String generatedDescription, String reviewedDescription,
    String code, Difficulty type, Split split) implements java.io.Serializable {

  /** ManimBench's {@code Type} column. */
  public enum Difficulty {
    Basic, Intermediate, Advanced;

    /** Parses the column's value, or returns null. */
    static Difficulty parse(String s) {
      for (Difficulty d : values()) {
        if (d.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
          return d;
        }
      }
      return null;
    }
  }

  /** ManimBench's {@code Split} column. */
  public enum Split {
    train, test;

    static Split parse(String s) {
      for (Split d : values()) {
        if (d.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
          return d;
        }
      }
      return null;
    }
  }

  public ManimBenchSample {
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(split, "split");
    generatedDescription = generatedDescription == null ? "" : generatedDescription;
    reviewedDescription = reviewedDescription == null ? "" : reviewedDescription;
  }

  /** Builds a sample whose id is derived from its code. */
  public static ManimBenchSample of(String generated, String reviewed, String code, Difficulty type, Split split) {
    return new ManimBenchSample(idFor(code), generated, reviewed, code, type, split);
  }

  /** The prompt: the named column's description. */
  public String prompt(String promptColumn) {
    return ManimBenchSchema.GENERATED_DESCRIPTION.equals(promptColumn) ? generatedDescription : reviewedDescription;
  }

  /** {@code mb-} and the first 12 hex digits of the code's SHA-256. */
  public static String idFor(String code) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(code.getBytes(StandardCharsets.UTF_8));
      return "mb-" + HexFormat.of().formatHex(d).substring(0, 12).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
