package dev.manimgrpo.reward.spark;

import dev.manimgrpo.reward.fused.FusedReward;
import dev.manimgrpo.reward.fused.RewardFusion;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code fused_reward(text_reward DOUBLE, visual_reward DOUBLE, layout_reward DOUBLE, rendered BOOLEAN)}:
 * the fused reward and its parts as a struct. A null text or visual reward counts as 0, a null
 * layout as not measured, a null rendered as a failed render.
 */
public final class FusedRewardUdf implements UDF4<Double, Double, Double, Boolean, Row> {

  private static final long serialVersionUID = 1L;

  public static final StructType RETURN_TYPE = new StructType()
      .add("reward", DataTypes.DoubleType, false)
      .add("text_reward", DataTypes.DoubleType, false)
      .add("visual_reward", DataTypes.DoubleType, false)
      .add("layout_reward", DataTypes.DoubleType, false)
      .add("rendered", DataTypes.BooleanType, false)
      .add("text_weight", DataTypes.DoubleType, false)
      .add("visual_weight", DataTypes.DoubleType, false)
      .add("layout_weight", DataTypes.DoubleType, false)
      .add("fusion", DataTypes.StringType, false);

  private final RewardFusion fusion;

  public FusedRewardUdf(RewardFusion fusion) {
    this.fusion = fusion;
  }

  @Override
  public Row call(Double text, Double visual, Double layout, Boolean rendered) {
    FusedReward r = fusion.fuse(text == null ? 0.0 : text, visual == null ? 0.0 : visual, layout,
        Boolean.TRUE.equals(rendered));
    return RowFactory.create(r.reward(), r.textReward(), r.visualReward(), r.layoutReward(), r.renderSucceeded(),
        r.textWeight(), r.visualWeight(), r.layoutWeight(), r.fusion().configName());
  }
}
