package dev.manimgrpo.reward.fused;

import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.core.config.RewardConfig.Fusion;

/**
 * Fuses the code-level and visual-level rewards.
 *
 * <ul>
 *   <li>arithmetic: {@code R = wt * R_text + wv * R_visual} (the study's, 0.2 / 0.8);</li>
 *   <li>geometric: {@code R = R_text^(wt / (wt + wv)) * R_visual^(wv / (wt + wv))}, which is 0 when
 *       either part is 0;</li>
 *   <li>a failed render: {@code R = wt * R_text} under both modes; the study lets a failed render
 *       keep its text part, and the geometric form would otherwise zero it.</li>
 * </ul>
 * Inputs outside [0, 1] and NaN are clamped (NaN counts as 0) so a broken part never makes the
 * reward NaN.
 */
public final class RewardFusion implements java.io.Serializable {

  private static final long serialVersionUID = 1L;
  private final double textWeight;
  private final double visualWeight;
  private final Fusion fusion;

  public RewardFusion(double textWeight, double visualWeight, Fusion fusion) {
    if (!(textWeight >= 0) || !(visualWeight >= 0) || textWeight + visualWeight <= 0) {
      throw new IllegalArgumentException("weights must be >= 0 and not both 0, got " + textWeight + ", " + visualWeight);
    }
    this.textWeight = textWeight;
    this.visualWeight = visualWeight;
    this.fusion = fusion;
  }

  public static RewardFusion of(RewardConfig config) {
    return new RewardFusion(config.textWeight(), config.visualWeight(), config.fusion());
  }

  /**
   * @param textReward R_text in [0, 1]
   * @param visualReward R_visual in [0, 1]; ignored when the render failed
   * @param renderSucceeded whether the candidate rendered
   */
  public FusedReward fuse(double textReward, double visualReward, boolean renderSucceeded) {
    double t = clamp(textReward);
    double v = renderSucceeded ? clamp(visualReward) : 0.0;
    double r;
    if (!renderSucceeded) {
      r = textWeight * t;
    } else if (fusion == Fusion.ARITHMETIC) {
      r = textWeight * t + visualWeight * v;
    } else {
      double sum = textWeight + visualWeight;
      r = Math.pow(t, textWeight / sum) * Math.pow(v, visualWeight / sum);
    }
    return new FusedReward(clamp(r), t, v, renderSucceeded, textWeight, visualWeight, fusion);
  }

  private static double clamp(double x) {
    if (Double.isNaN(x)) {
      return 0.0;
    }
    return Math.max(0.0, Math.min(1.0, x));
  }
}
