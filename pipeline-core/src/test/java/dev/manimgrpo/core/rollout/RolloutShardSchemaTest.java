package dev.manimgrpo.core.rollout;

import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RolloutShardSchemaTest {

  @Test
  void theSparkSchemaIsDerivedFromTheColumnList() {
    StructType s = RolloutShardSparkSchema.sparkSchema();
    assertThat(Arrays.asList(s.fieldNames())).containsExactlyElementsOf(RolloutShardSchema.names());
    assertThat(RolloutShardSchema.names()).containsExactly("run_id", "step", "prompt_id", "group_uid", "rollout_index",
        "prompt_token_ids", "completion_token_ids", "old_logprobs", "completion_text", "status", "error_reason",
        "reward_text", "reward_visual", "reward_layout", "reward", "advantage", "zero_variance", "policy_checkpoint");
    for (RolloutColumn c : RolloutShardSchema.COLUMNS) {
      StructField f = s.apply(c.name());
      assertThat(f.nullable()).as(c.name()).isEqualTo(c.nullable());
      assertThat(f.getComment().isDefined()).as(c.name()).isTrue();
    }
    assertThat(s.apply("old_logprobs").dataType()).isEqualTo(DataTypes.createArrayType(DataTypes.FloatType, false));
    assertThat(s.apply("prompt_token_ids").dataType().simpleString()).isEqualTo("array<int>");
    assertThat(RolloutShardSchema.column("old_logprobs")).get().extracting(RolloutColumn::nullable).isEqualTo(true);
    assertThat(RolloutShardSchema.column("nope")).isEmpty();
    assertThat(RolloutShardSchema.STATUSES).contains("rendered", "syntax_error", "runtime_error", "sampling_error");
  }

  @Test
  void rowsGoThroughSparkUnchanged() {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("rollout-schema-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
    try {
      List<RolloutRow> rows = List.of(
          RolloutRowTest.row(new int[] {4, 5}, new float[] {-0.25f, -1.5f}, "rendered", 0.3, false),
          RolloutRowTest.row(new int[0], null, "sampling_error", 0.0, true));
      Dataset<Row> df = spark.createDataFrame(rows.stream().map(RolloutShardSparkSchema::toRow).toList(),
          RolloutShardSparkSchema.sparkSchema());
      List<RolloutRow> back = df.collectAsList().stream().map(RolloutShardSparkSchema::fromRow).toList();
      assertThat(back).containsExactlyElementsOf(rows);
    } finally {
      spark.stop();
    }
  }
}
