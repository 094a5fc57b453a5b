package dev.manimgrpo.reward.spark;

import dev.manimgrpo.reward.advantage.AdvantageEstimators;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.manimgrpo.core.config.RewardConfig.Advantage;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Group advantages over a rollout table with Spark window functions, partitioned by the
 * group id (one prompt's G rollouts). Same definitions and guards as
 * {@link AdvantageEstimators}. Adds the columns {@code group_size}, {@code group_mean},
 * {@code group_std} (sample std, null for a group of one), {@code advantage} and
 * {@code zero_variance}.
 */
public final class GroupAdvantages {

  private GroupAdvantages() {}

  public static Dataset<Row> withAdvantages(Dataset<Row> rollouts, String groupColumn, String rewardColumn,
      Advantage estimator, double eps) {
    WindowSpec group = Window.partitionBy(col(groupColumn));
    Column r = col(rewardColumn);
    Dataset<Row> df = rollouts
        .withColumn("group_size", count(r).over(group))
        .withColumn("group_mean", avg(r).over(group))
        .withColumn("group_std", stddev_samp(r).over(group))
        .withColumn("group_sum", sum(r).over(group))
        .withColumn("zero_variance", col("group_size").lt(2)
            .or(max(r).over(group).minus(min(r).over(group)).leq(AdvantageEstimators.ZERO_VARIANCE_TOLERANCE)));
    Column centred = r.minus(col("group_mean"));
    Column advantage = switch (estimator) {
      case GRPO -> centred.divide(col("group_std").plus(lit(eps)));
      case DR_GRPO -> centred;
      case RLOO -> r.minus(col("group_sum").minus(r).divide(col("group_size").minus(1)));
    };
    return df.withColumn("advantage", when(col("zero_variance"), lit(0.0)).otherwise(advantage))
        .drop("group_sum");
  }
}
