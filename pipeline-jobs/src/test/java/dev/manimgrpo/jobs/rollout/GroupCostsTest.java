package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.manimgrpo.jobs.LocalSparkTest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCostsTest extends LocalSparkTest {

  @TempDir Path dir;

  @Test
  void theCostsOfAStepAreItsGroupsRenderAndScoringSecondsFromThePreviousStep() {
    StructType schema = new StructType().add("prompt_id", DataTypes.StringType)
        .add("render_seconds", DataTypes.DoubleType).add("reward_seconds", DataTypes.DoubleType);
    List<Row> rows = List.of(RowFactory.create("slow", 6.5, 0.1), RowFactory.create("slow", 0.0, 0.1),
        RowFactory.create("quick", 0.2, 0.05), RowFactory.create("quick", null, null));
    String shards = dir.resolve("rollouts").toString();
    spark.createDataFrame(rows, schema).write().parquet(ShardState.partition(shards, "r", 0));

    Map<String, Double> costs = GroupCosts.previousStep(spark, shards, "r", 1);
    assertThat(costs).containsOnlyKeys("slow", "quick");
    assertThat(costs.get("slow")).isCloseTo(6.7, within(1e-9));
    assertThat(costs.get("quick")).isCloseTo(0.25, within(1e-9));
    // Step 0 has no previous step; a step whose previous one is missing has no estimate either.
    assertThat(GroupCosts.previousStep(spark, shards, "r", 0)).isEmpty();
    assertThat(GroupCosts.previousStep(spark, shards, "other-run", 1)).isEmpty();
  }

  @Test
  void aRoundStartsWithUnknownThenLongestGroups() {
    Map<String, Double> known = Map.of("slow", 6.7, "quick", 0.25);
    GroupCosts.Estimate estimate = new GroupCosts.Estimate(p -> known.containsKey(p.promptId())
        ? OptionalDouble.of(known.get(p.promptId())) : OptionalDouble.empty(), "test");
    List<RolloutPrompt> round = List.of(prompt("quick", 0), prompt("new", 1), prompt("slow", 2));
    assertThat(RolloutJob.longestFirst(estimate, round).stream().map(RolloutPrompt::promptId))
        .containsExactly("new", "slow", "quick");
    assertThat(RolloutJob.longestFirst(GroupCosts.Estimate.NONE, round)).isSameAs(round);
  }

  private static RolloutPrompt prompt(String id, int index) {
    return new RolloutPrompt(id, "prompt " + id, "from manim import *", "train", "basic", index);
  }
}
