package dev.manimgrpo.reward.fused;

import dev.manimgrpo.core.config.RewardConfig.Fusion;

/**
 * A fused reward with its parts.
 *
 * @param reward the fused value in [0, 1]
 * @param textReward R_text, the code-level part
 * @param visualReward R_visual, or 0 when the render failed
 * @param layoutReward R_layout as used (1 when the layout was not measured), or 0 when the render failed
 * @param renderSucceeded whether the candidate rendered (a failed render keeps only the text part)
 * @param textWeight weight of the text part as configured
 * @param visualWeight weight of the visual part as configured
 * @param layoutWeight weight of the layout part as configured (0 by default)
 * @param fusion how the parts were combined
 */
public record FusedReward(double reward, double textReward, double visualReward, double layoutReward,
    boolean renderSucceeded, double textWeight, double visualWeight, double layoutWeight, Fusion fusion)
    implements java.io.Serializable {}
