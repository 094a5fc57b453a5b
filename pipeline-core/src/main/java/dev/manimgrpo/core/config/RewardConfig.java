package dev.manimgrpo.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How rewards are fused and advantages computed; see {@code reward.*} in reference.yaml. */
public record RewardConfig(double textWeight, double visualWeight, double layoutWeight, Fusion fusion, Advantage advantage,
    double advantageEpsilon, String codebertModel, String clipModel, VisualRewardConfig visual) implements java.io.Serializable {

  /** How the text and visual parts are combined. */
  public enum Fusion {
    ARITHMETIC, GEOMETRIC;

    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Fusion fromConfig(String name) {
      return parse(values(), name, "reward.fusion");
    }
  }

  /** Group advantage estimators. */
  public enum Advantage {
    GRPO, DR_GRPO, RLOO;

    @JsonValue
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Advantage fromConfig(String name) {
      return parse(values(), name, "reward.advantage");
    }
  }

  public RewardConfig {
    if (!(textWeight >= 0) || !(visualWeight >= 0) || !(layoutWeight >= 0) || textWeight + visualWeight + layoutWeight <= 0) {
      throw new IllegalArgumentException("reward.text-weight, reward.visual-weight and reward.layout-weight must be >= 0"
          + " and not all 0, got " + textWeight + ", " + visualWeight + ", " + layoutWeight);
    }
    if (fusion == null || advantage == null) {
      throw new IllegalArgumentException("reward.fusion and reward.advantage must be set");
    }
    codebertModel = codebertModel == null ? "" : codebertModel;
    clipModel = clipModel == null ? "" : clipModel;
    if (visual == null) {
      throw new IllegalArgumentException("reward.visual must be set");
    }
    if (!(advantageEpsilon > 0)) {
      throw new IllegalArgumentException("reward.advantage-epsilon must be > 0, got " + advantageEpsilon);
    }
  }

  private static <E extends Enum<E>> E parse(E[] values, String name, String key) {
    for (E v : values) {
      if (v.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(key + " must be one of "
        + Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList() + ", got '" + name + "'");
  }
}
