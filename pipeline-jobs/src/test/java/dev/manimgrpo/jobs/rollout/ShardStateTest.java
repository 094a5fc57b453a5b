package dev.manimgrpo.jobs.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.jobs.LocalSparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a rerun of a step keeps: complete groups stay; a group cut short by a crash and a group the
 * policy server failed to sample (sampling_error rows) have their files removed, to be sampled again.
 * Shards written here with only the columns the resume reads, a file per task as the job writes them.
 */
class ShardStateTest extends LocalSparkTest {

  static final int G = 2;
  @TempDir Path dir;

  @Test
  void keepsCompleteGroupsAndRequestsAgainWhatACrashOrTheServerLeftIncomplete() throws Exception {
    String partition = ShardState.partition(dir.toString(), "r", 0);
    writeGroup(partition, "done", "rendered", "syntax_error");
    writeGroup(partition, "failed", "rendered", "sampling_error");
    writeGroup(partition, "allFailed", "sampling_error", "sampling_error");
    writeGroup(partition, "cut", "rendered");

    ShardState state = ShardState.load(spark, dir.toString(), "r", 0, G);

    assertThat(state.complete()).containsOnlyKeys("done");
    assertThat(state.removedFiles()).isEqualTo(3);
    try (Stream<Path> files = Files.list(Path.of(partition))) {
      assertThat(files.filter(f -> f.toString().endsWith(".parquet")).count()).isEqualTo(1);
    }
    assertThat(ShardState.read(spark, dir.toString(), partition).count()).isEqualTo(G);
  }

  @Test
  void aFileOfSeveralGroupsKeepsItsCompleteOnesWhenOneOfThemFailedToSample() throws Exception {
    Path dir = this.dir.resolve("rollouts, with a space"); // file names come back URL-encoded
    String partition = ShardState.partition(dir.toString(), "r", 0);
    // One task's file: two complete groups and one the server failed to sample.
    writeGroups(partition, List.of(group("a", "rendered", "no_code"), group("failed", "sampling_error", "sampling_error"),
        group("b", "rendered", "rendered")));
    writeGroups(partition, List.of(group("alone", "rendered", "rendered")));
    Files.delete(Path.of(partition, "_SUCCESS")); // as a killed run leaves it

    ShardState state = ShardState.load(spark, dir.toString(), "r", 0, G);

    assertThat(state.complete()).containsOnlyKeys("a", "b", "alone");
    assertThat(state.removedFiles()).isEqualTo(1);
    List<Row> rows = ShardState.read(spark, dir.toString(), partition).select("prompt_id", "rollout_index", "status")
        .collectAsList();
    assertThat(rows).hasSize(3 * G).noneMatch(r -> "failed".equals(r.getString(0)));
    assertThat(rows).filteredOn(r -> "a".equals(r.getString(0))).extracting(r -> r.getString(2))
        .containsExactlyInAnyOrder("rendered", "no_code");
    try (Stream<Path> files = Files.list(Path.of(partition))) {
      assertThat(files.filter(f -> f.toString().endsWith(".parquet")).count()).isEqualTo(2);
    }
    assertThat(Path.of(partition, "_SUCCESS")).as("keeping groups does not mark the step complete").doesNotExist();
    // A second look finds the same: nothing more to remove.
    ShardState again = ShardState.load(spark, dir.toString(), "r", 0, G);
    assertThat(again.complete()).containsOnlyKeys("a", "b", "alone");
    assertThat(again.removedFiles()).isZero();
  }

  /** One group's rows, rollout index i with statuses[i], in a file of its own. */
  private static void writeGroup(String partition, String prompt, String... statuses) {
    writeGroups(partition, List.of(group(prompt, statuses)));
  }

  private static List<Row> group(String prompt, String... statuses) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < statuses.length; i++) {
      rows.add(RowFactory.create(prompt, "r-0-" + prompt, i, statuses[i], false));
    }
    return rows;
  }

  /** Groups' rows in one file, as one task writes them. */
  private static void writeGroups(String partition, List<List<Row>> groups) {
    List<Row> rows = new ArrayList<>();
    groups.forEach(rows::addAll);
    StructType schema = new StructType().add("prompt_id", DataTypes.StringType).add("group_uid", DataTypes.StringType)
        .add("rollout_index", DataTypes.IntegerType).add("status", DataTypes.StringType)
        .add("zero_variance", DataTypes.BooleanType);
    spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Append).parquet(partition);
  }
}
