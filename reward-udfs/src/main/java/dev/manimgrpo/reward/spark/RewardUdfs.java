package dev.manimgrpo.reward.spark;

import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.reward.fused.RewardFusion;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Registers the reward UDFs by name, so analysts can call them from Spark SQL:
 * <ul>
 *   <li>{@code fused_reward(text_reward, visual_reward, layout_reward, rendered)} -> struct (see {@link FusedRewardUdf})</li>
 *   <li>{@code code_reward(candidate, reference)} -> struct (see {@link CodeRewardUdf})</li>
 *   <li>{@code visual_similarity(cand_frames, cand_w, cand_h, ref_frames, ref_w, ref_h)} -> struct
 *       (see {@link VisualSimilarityUdf}); {@code visual_similarity_yuv(...)}, the same on frames of
 *       three planes (Y, Cb, Cr), colour-aware</li>
 * </ul>
 * Group advantages are window functions, not UDFs: see {@code GroupAdvantages} and the SQL in
 * {@code notebooks/}.
 */
public final class RewardUdfs {

  /** Names of the registered functions. */
  public static final List<String> NAMES = List.of("fused_reward", "code_reward", "visual_similarity",
      "visual_similarity_yuv");

  private RewardUdfs() {}

  public static void register(SparkSession spark, RewardConfig config) {
    spark.udf().register("fused_reward", new FusedRewardUdf(RewardFusion.of(config)), FusedRewardUdf.RETURN_TYPE);
    spark.udf().register("code_reward", new CodeRewardUdf(config.codebertModel()), CodeRewardUdf.RETURN_TYPE);
    spark.udf().register("visual_similarity", new VisualSimilarityUdf(config.clipModel(),
        dev.manimgrpo.reward.visual.VisualSimilarityOptions.of(config.visual())), VisualSimilarityUdf.RETURN_TYPE);
    spark.udf().register("visual_similarity_yuv", new VisualSimilarityUdf(config.clipModel(),
        dev.manimgrpo.reward.visual.VisualSimilarityOptions.of(config.visual()), true), VisualSimilarityUdf.RETURN_TYPE);
  }
}
