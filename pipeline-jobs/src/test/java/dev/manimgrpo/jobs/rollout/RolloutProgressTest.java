package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.jobs.TestSpark;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The progress line counts groups, not tasks: a task runs several groups. */
class RolloutProgressTest {

  @Test
  void countsTheGroupsOfTasksThatRanSeveralGroups() throws Exception {
    try (SparkSession spark = TestSpark.start(Map.of())) {
      countGroups(spark);
    }
  }

  private static void countGroups(SparkSession spark) throws Exception {
    RolloutPartition.RolloutAccumulators acc = RolloutPartition.RolloutAccumulators.register(spark.sparkContext());
    int groupSize = 4;
    // 3 tasks of 4, 4 and 2 groups; each group G rollouts, half of them rendered
    List<Integer> groupsPerTask = List.of(4, 4, 2);
    try (RolloutProgress progress = RolloutProgress.attach(spark, 10, groupSize, acc, false)) {
      JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(groupsPerTask, 3).foreach(groups -> {
        for (int g = 0; g < groups; g++) {
          acc.prompts().add(1);
          acc.rollouts().add(groupSize);
          acc.rendered().add(groupSize / 2);
        }
      });
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(progress.lastLine()).startsWith("10/10 groups (10 x 4), 40 rollouts, 20 rendered,")
          .endsWith("ETA 0 s");
    }
  }
}
