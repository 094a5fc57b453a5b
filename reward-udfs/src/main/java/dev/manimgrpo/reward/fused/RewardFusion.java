package dev.manimgrpo.reward.fused;

import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.core.config.RewardConfig.Fusion;

/**
 * Fuses the code-level, visual-level and (optional) layout rewards. With W = wt + wv + wl:
 *
 * <ul>
 *   <li>arithmetic: {@code R = (wt * R_text + wv * R_visual + wl * R_layout) / W}; with the defaults
 *       (0.2, 0.8, 0) this is the study's {@code 0.2 * R_text + 0.8 * R_visual};</li>
 *   <li>geometric: {@code R = R_text^(wt/W) * R_visual^(wv/W) * R_layout^(wl/W)}, 0 when any weighted
 *       part is 0;</li>
 *   <li>a failed render: {@code R = wt * R_text / W} under both modes. The study lets a failed render
 *       keep its text part; the geometric form would otherwise zero it.</li>
 * </ul>
 * A layout that was not measured (3D scenes, video profile) counts as 1: no evidence of a problem.
 * Inputs outside [0, 1] are clamped and NaN counts as 0, so a broken part never makes R NaN.
 */
public final class RewardFusion implements java.io.Serializable {

  private static final long serialVersionUID = 1L;
  private final double textWeight;
  private final double visualWeight;
  private final double layoutWeight;
  private final Fusion fusion;

  public RewardFusion(double textWeight, double visualWeight, double layoutWeight, Fusion fusion) {
    if (!(textWeight >= 0) || !(visualWeight >= 0) || !(layoutWeight >= 0) || textWeight + visualWeight + layoutWeight <= 0) {
      throw new IllegalArgumentException("weights must be >= 0 and not all 0, got " + textWeight + ", "
          + visualWeight + ", " + layoutWeight);
    }
    this.textWeight = textWeight;
    this.visualWeight = visualWeight;
    this.layoutWeight = layoutWeight;
    this.fusion = fusion;
  }

  /** Text and visual parts only (layout weight 0). */
  public RewardFusion(double textWeight, double visualWeight, Fusion fusion) {
    this(textWeight, visualWeight, 0.0, fusion);
  }

  public static RewardFusion of(RewardConfig config) {
    return new RewardFusion(config.textWeight(), config.visualWeight(), config.layoutWeight(), config.fusion());
  }

  /** Fuses text and visual parts, with no layout measurement. */
  public FusedReward fuse(double textReward, double visualReward, boolean renderSucceeded) {
    return fuse(textReward, visualReward, null, renderSucceeded);
  }

  /**
   * @param textReward R_text in [0, 1]
   * @param visualReward R_visual in [0, 1]; ignored when the render failed
   * @param layoutReward R_layout in [0, 1], or null when not measured
   * @param renderSucceeded whether the candidate rendered
   */
  public FusedReward fuse(double textReward, double visualReward, Double layoutReward, boolean renderSucceeded) {
    double w = textWeight + visualWeight + layoutWeight;
    double t = clamp(textReward);
    double v = renderSucceeded ? clamp(visualReward) : 0.0;
    double l = !renderSucceeded ? 0.0 : layoutReward == null ? 1.0 : clamp(layoutReward);
    double r;
    if (!renderSucceeded) {
      r = textWeight * t / w;
    } else if (fusion == Fusion.ARITHMETIC) {
      r = (textWeight * t + visualWeight * v + layoutWeight * l) / w;
    } else {
      r = Math.pow(t, textWeight / w) * Math.pow(v, visualWeight / w) * Math.pow(l, layoutWeight / w);
    }
    return new FusedReward(clamp(r), t, v, l, renderSucceeded, textWeight, visualWeight, layoutWeight, fusion);
  }

  private static double clamp(double x) {
    if (Double.isNaN(x)) {
      return 0.0;
    }
    return Math.max(0.0, Math.min(1.0, x));
  }
}
