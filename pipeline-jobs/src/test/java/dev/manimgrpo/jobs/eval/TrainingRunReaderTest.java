package dev.manimgrpo.jobs.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.jobs.eval.report.RewardStep;
import dev.manimgrpo.jobs.eval.report.TrainingPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's view of a GRPO loop run folder: rewards per step from the shards, curves from metrics.jsonl. */
class TrainingRunReaderTest extends LocalSparkTest {

  @TempDir Path dir;

  @Test
  void rewardsPerStepAndCurvesAcrossTheLoopsTrainerRuns() throws Exception {
    StructType schema = new StructType().add("prompt_id", DataTypes.StringType).add("reward", DataTypes.DoubleType);
    for (int step = 0; step < 2; step++) {
      List<Row> rows = List.of(RowFactory.create("a", 0.1 + step), RowFactory.create("b", 0.3 + step),
          RowFactory.create("c", 0.5 + step));
      spark.createDataFrame(rows, schema).write()
          .parquet(dir.resolve("rollouts/run_id=r/step=" + step).toString());
    }
    for (int step = 0; step < 2; step++) {
      Path t = Files.createDirectories(dir.resolve(String.format("train/step-%06d", step)));
      Files.writeString(t.resolve("metrics.jsonl"), "{\"step\":1,\"kind\":\"grpo\",\"loss\":" + (0.5 - step)
          + ",\"kl\":0.01}\n{\"step\":2,\"kind\":\"grpo\",\"loss\":" + (0.4 - step) + ",\"kl\":0.02}\n");
    }

    TrainingRunReader.Run run = TrainingRunReader.read(spark, dir.toString());
    assertThat(run.rewards()).extracting(RewardStep::step).containsExactly(0, 1);
    assertThat(run.rewards().get(1).rewards()).containsExactlyInAnyOrder(1.1, 1.3, 1.5);
    List<TrainingPoint> loss = run.curves().stream().filter(p -> p.metric().equals("loss")).toList();
    // One point per optimizer step, numbered across the loop's trainer runs in order.
    assertThat(loss).extracting(TrainingPoint::step).containsExactly(1, 2, 3, 4);
    assertThat(loss).extracting(TrainingPoint::value).containsExactly(0.5, 0.4, -0.5, -0.6);
    assertThat(run.curves().stream().filter(p -> p.metric().equals("kl"))).hasSize(4);
  }

  @Test
  void aFolderWithoutShardsIsRefusedWithWhatToPointAt() {
    assertThatThrownBy(() -> TrainingRunReader.read(spark, dir.toString()))
        .hasMessageContaining("eval.training-run").hasMessageContaining("grpo-loop run folder");
  }

  @Test
  void noTrainingRunIsNothingToShow() {
    TrainingRunReader.Run run = TrainingRunReader.read(spark, "");
    assertThat(run.rewards()).isEmpty();
    assertThat(run.curves()).isEmpty();
  }
}
