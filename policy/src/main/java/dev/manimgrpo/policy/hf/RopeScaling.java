package dev.manimgrpo.policy.hf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A config's {@code rope_scaling} (or, in newer transformers, the scaling part of {@code
 * rope_parameters}): how the rotary inverse frequencies are changed from the default {@code
 * theta^(-2i/d)}. See {@link Rope} for the formulas.
 *
 * @param type                    the {@code rope_type} (or legacy {@code type})
 * @param factor                  linear and llama3: the context extension factor
 * @param lowFreqFactor           llama3 only
 * @param highFreqFactor          llama3 only
 * @param originalMaxPositions    llama3 only: {@code original_max_position_embeddings}
 */
public record RopeScaling(Type type, double factor, double lowFreqFactor, double highFreqFactor,
    int originalMaxPositions) {

  /** The supported {@code rope_type}s; others (dynamic, yarn, longrope, ...) are refused. */
  public enum Type {
    DEFAULT("default"),
    LINEAR("linear"),
    LLAMA3("llama3");

    private final String configName;

    Type(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    public static Type parse(String name) {
      for (Type t : values()) {
        if (t.configName.equals(name)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unsupported rope_type \"" + name + "\"; supported: "
          + Arrays.stream(values()).map(Type::configName).collect(Collectors.joining(", ")));
    }
  }

  public static final RopeScaling NONE = new RopeScaling(Type.DEFAULT, 1, 0, 0, 0);

  public RopeScaling {
    if (type == null) {
      throw new IllegalArgumentException("rope scaling type is null");
    }
    if (type != Type.DEFAULT && !(factor >= 1)) {
      throw new IllegalArgumentException("rope_scaling factor must be >= 1, got " + factor);
    }
    if (type == Type.LLAMA3) {
      if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor)) {
        throw new IllegalArgumentException("llama3 rope_scaling needs 0 < low_freq_factor < "
            + "high_freq_factor, got " + lowFreqFactor + " and " + highFreqFactor);
      }
      if (originalMaxPositions < 1) {
        throw new IllegalArgumentException("llama3 rope_scaling needs a positive "
            + "original_max_position_embeddings, got " + originalMaxPositions);
      }
    }
  }

  public static RopeScaling linear(double factor) {
    return new RopeScaling(Type.LINEAR, factor, 0, 0, 0);
  }

  public static RopeScaling llama3(double factor, double lowFreqFactor, double highFreqFactor,
      int originalMaxPositions) {
    return new RopeScaling(Type.LLAMA3, factor, lowFreqFactor, highFreqFactor,
        originalMaxPositions);
  }
}
