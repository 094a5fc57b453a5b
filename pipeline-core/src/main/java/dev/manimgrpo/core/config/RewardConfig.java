package dev.manimgrpo.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How rewards are fused and advantages computed; see {@code reward.*} in reference.yaml. */
public record RewardConfig(double textWeight, double visualWeight, double layoutWeight, Fusion fusion, Advantage advantage,
    double advantageEpsilon, String codebertModel, String clipModel, VisualRewardConfig visual) implements java.io.Serializable {

  /** How the text and visual parts are combined. */
  public enum Fusion {
    ARITHMETIC, GEOMETRIC;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static Fusion fromConfig(String name) {
      return ConfigNames.parse(values(), name, "reward.fusion");
    }
  }

  /** Group advantage estimators. */
  public enum Advantage {
    GRPO, DR_GRPO, RLOO;

    @JsonValue
    public String configName() {
      return ConfigNames.of(this);
    }

    @JsonCreator
    public static Advantage fromConfig(String name) {
      return ConfigNames.parse(values(), name, "reward.advantage");
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
}
