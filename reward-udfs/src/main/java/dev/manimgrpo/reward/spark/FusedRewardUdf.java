package dev.manimgrpo.reward.spark;

import dev.manimgrpo.reward.fused.FusedReward;
import dev.manimgrpo.reward.fused.RewardFusion;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code fused_reward(text_reward DOUBLE, visual_reward DOUBLE, rendered BOOLEAN)}: the fused
 * reward and its parts as a struct. Null inputs count as 0 / not rendered.
 */
public final class FusedRewardUdf implements UDF3<Double, Double, Boolean, Row> {

  private static final long serialVersionUID = 1L;

  public static final StructType RETURN_TYPE = new StructType()
      .add("reward", DataTypes.DoubleType, false)
      .add("text_reward", DataTypes.DoubleType, false)
      .add("visual_reward", DataTypes.DoubleType, false)
      .add("rendered", DataTypes.BooleanType, false)
      .add("text_weight", DataTypes.DoubleType, false)
      .add("visual_weight", DataTypes.DoubleType, false)
      .add("fusion", DataTypes.StringType, false);

  private final RewardFusion fusion;

  public FusedRewardUdf(RewardFusion fusion) {
    this.fusion = fusion;
  }

  @Override
  public Row call(Double text, Double visual, Boolean rendered) {
    FusedReward r = fusion.fuse(text == null ? 0.0 : text, visual == null ? 0.0 : visual, Boolean.TRUE.equals(rendered));
    return RowFactory.create(r.reward(), r.textReward(), r.visualReward(), r.renderSucceeded(), r.textWeight(),
        r.visualWeight(), r.fusion().configName());
  }
}
