package dev.manimgrpo.jobs.rollout;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.manimgrpo.core.config.PipelineConfig;
import dev.manimgrpo.core.config.RewardConfig;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.jobs.LocalSparkTest;
import dev.manimgrpo.reward.spark.GroupAdvantages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout job end to end on local Spark with the bundled starter policy and real renders:
 * every rollout is a row with a status, the shard reads back through Spark SQL and through
 * parquet-hadoop, advantages match the window-function definition, and reruns neither lose nor
 * duplicate a row.
 */
@Tag("manim")
class RolloutJobTest extends LocalSparkTest {

  static final int PROMPTS = 3;
  static final int G = 3;
  @TempDir static Path dir;

  @Test
  void everyRolloutIsARowAndRerunsKeepTheShardExact() throws Exception {
    PipelineConfig config = RolloutTestConfigs.config(dir, "e2e", PROMPTS, G, Map.of("dataset.split", "all"));
    RolloutJob.Outcome first = RolloutJob.run(spark, config, false);
    assertThat(first.summary().rollouts()).isEqualTo(PROMPTS * G);
    assertThat(first.summary().rolloutsThisRun()).isEqualTo(PROMPTS * G);

    Dataset<Row> rows = spark.read().parquet(first.shardDir()).where(col("run_id").equalTo("e2e"));
    assertThat(rows.count()).isEqualTo(PROMPTS * G);
    assertThat(rows.select("group_uid", "rollout_index").distinct().count()).isEqualTo(PROMPTS * G);
    assertThat(rows.select("group_uid").distinct().count()).isEqualTo(PROMPTS);
    for (Row r : rows.collectAsList()) {
      String status = r.getAs("status");
      assertThat(RolloutShardSchema.STATUSES).contains(status);
      assertThat((String) r.getAs("policy_id")).startsWith("hf:bundled-hf:");
      assertThat((Boolean) r.getAs("trainer_reproducible")).isTrue();
      assertThat((Object) r.getAs("seed")).isNotNull();
      assertThat((String) r.getAs("prompt_text")).isNotBlank();
      if (!"sampling_error".equals(status)) {
        assertThat(r.<scala.collection.Seq<?>>getAs("completion_token_ids").size()).isPositive();
        assertThat(r.<scala.collection.Seq<?>>getAs("old_logprobs").size())
            .isEqualTo(r.<scala.collection.Seq<?>>getAs("completion_token_ids").size());
      }
      if (!"rendered".equals(status) && !"sampling_error".equals(status)) {
        assertThat((String) r.getAs("error_reason")).as("a failed render says why").isNotBlank();
      }
      Row extra = r.getAs("extra_info");
      assertThat((String) extra.getAs("group_uid")).isEqualTo(r.getAs("group_uid"));
      assertThat(r.<scala.collection.Seq<Row>>getAs("prompt").apply(1).<String>getAs("role")).isEqualTo("user");
      assertThat(r.<Row>getAs("reward_model").<String>getAs("ground_truth")).contains("Scene");
    }
    // An analyst's query: Spark SQL over the table.
    rows.createOrReplaceTempView("rollouts");
    long rendered = spark.sql("SELECT count(*) FROM rollouts WHERE status = 'rendered'").first().getLong(0);
    assertThat(first.summary().rendered()).isEqualTo(rendered);

    // The analysts' notebook runs against it.
    String sql = Files.readString(Path.of("..", "notebooks", "rollouts.sql"))
        .replace("'outputs/rollouts'", "'" + first.shardDir() + "'");
    List<String> statements = new java.util.ArrayList<>();
    for (String stmt : sql.replaceAll("(?m)^--.*$", "").split(";")) {
      if (!stmt.isBlank()) {
        statements.add(stmt.strip());
      }
    }
    assertThat(statements).hasSize(6);
    spark.sql(statements.get(0));
    Row curve = spark.sql(statements.get(1)).first();
    assertThat(curve.<Long>getAs("rollouts")).isEqualTo(PROMPTS * G);
    assertThat(curve.<Long>getAs("groups")).isEqualTo(PROMPTS);
    for (int i = 2; i < statements.size(); i++) {
      assertThat(spark.sql(statements.get(i)).collectAsList()).as(statements.get(i)).isNotEmpty();
    }

    // An independent reader: parquet-hadoop over the part files.
    long fileRows = 0;
    try (Stream<Path> s = Files.list(Path.of(first.partition()))) {
      for (Path f : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
            new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
          fileRows += r.getRecordCount();
          MessageType schema = r.getFooter().getFileMetaData().getSchema();
          assertThat(schema.containsField("completion_token_ids")).isTrue();
          assertThat(schema.containsField("extra_info")).isTrue();
          assertThat(schema.containsField("run_id")).as("run_id is the partition folder").isFalse();
        }
      }
    }
    assertThat(fileRows).isEqualTo(PROMPTS * G);
    assertThat(Path.of(first.partition(), RolloutJob.SUMMARY_FILE)).exists();

    // The in-task advantages are the window-function ones.
    List<Row> byWindow = GroupAdvantages.withAdvantages(rows.withColumnRenamed("advantage", "ours")
            .withColumnRenamed("zero_variance", "ours_zv").where(col("status").notEqual("sampling_error")),
        "group_uid", "reward", RewardConfig.Advantage.GRPO, config.reward().advantageEpsilon())
        .select("ours", "advantage", "ours_zv", "zero_variance").collectAsList();
    for (Row r : byWindow) {
      assertThat(r.getDouble(0)).isCloseTo(r.getDouble(1), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(r.getBoolean(2)).isEqualTo(r.getBoolean(3));
    }

    Map<String, String> before = texts(rows);

    // A rerun of the finished step samples nothing and adds nothing.
    RolloutJob.Outcome again = RolloutJob.run(spark, config, false);
    assertThat(again.summary().resumedGroups()).isEqualTo(PROMPTS);
    assertThat(again.summary().rolloutsThisRun()).isZero();
    assertThat(spark.read().parquet(first.shardDir()).count()).isEqualTo(PROMPTS * G);

    // A half-committed wave (one file of the partition lost): the rerun removes nothing else,
    // samples the missing group again, and the completions are the same (seeds, not positions).
    Path lost;
    try (Stream<Path> s = Files.list(Path.of(first.partition()))) {
      lost = s.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
    }
    Files.delete(lost);
    RolloutJob.Outcome repaired = RolloutJob.run(spark, config, false);
    assertThat(repaired.summary().rolloutsThisRun()).isPositive();
    Dataset<Row> after = spark.read().parquet(first.shardDir());
    assertThat(after.count()).isEqualTo(PROMPTS * G);
    assertThat(after.select("group_uid", "rollout_index").distinct().count()).isEqualTo(PROMPTS * G);
    assertThat(texts(after)).isEqualTo(before);

    // A commit that landed twice (a duplicated part file): both copies go, the group is sampled again, once.
    Path one;
    try (Stream<Path> s = Files.list(Path.of(first.partition()))) {
      one = s.filter(p -> p.toString().endsWith(".parquet")).sorted().findFirst().orElseThrow();
    }
    Files.copy(one, one.resolveSibling("part-99999-duplicate.c000.snappy.parquet"));
    assertThat(spark.read().parquet(first.shardDir()).count()).isGreaterThan(PROMPTS * G);
    RolloutJob.Outcome deduplicated = RolloutJob.run(spark, config, false);
    assertThat(deduplicated.summary().removedFiles()).isEqualTo(2);
    Dataset<Row> exact = spark.read().parquet(first.shardDir());
    assertThat(exact.count()).isEqualTo(PROMPTS * G);
    assertThat(exact.select("group_uid", "rollout_index").distinct().count()).isEqualTo(PROMPTS * G);
    assertThat(texts(exact)).isEqualTo(before);

    // Replayed into another run: the same completions, rendered and scored again, to the same statuses.
    PipelineConfig replay = RolloutTestConfigs.config(dir, "replayed", PROMPTS, G, Map.of("dataset.split", "all",
        "policy.backend", "replay", "policy.replay-shard", first.partition()));
    RolloutJob.Outcome replayed = RolloutJob.run(spark, replay, false);
    Dataset<Row> again2 = spark.read().parquet(replayed.partition());
    assertThat(again2.count()).isEqualTo(PROMPTS * G);
    assertThat((String) again2.first().getAs("policy_id")).startsWith("replay:hf:bundled-hf:");
    Map<String, String> statusBefore = new HashMap<>();
    for (Row r : exact.select("prompt_id", "rollout_index", "status", "completion_text", "extracted_code",
        "code_extraction").collectAsList()) {
      statusBefore.put(r.getString(0) + "/" + r.getInt(1), r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4)
          + "|" + r.getString(5));
    }
    Map<String, String> statusAfter = new HashMap<>();
    for (Row r : again2.select("prompt_id", "rollout_index", "status", "completion_text", "extracted_code",
        "code_extraction").collectAsList()) {
      statusAfter.put(r.getString(0) + "/" + r.getInt(1), r.getString(2) + "|" + r.getString(3) + "|" + r.getString(4)
          + "|" + r.getString(5));
    }
    assertThat(statusAfter).isEqualTo(statusBefore);

    // Groups started ahead (rollout.groups-ahead) change only when a group's renders are queued: one
    // task of all the step's groups gives the same rows, in the same order, one group at a time or
    // two groups ahead (the default; this calls the task itself, to hold every group of the step).
    assertThat(oneTask(replay, 2)).isEqualTo(oneTask(replay, 0)).hasSize(PROMPTS * G);
  }

  /** The replayed step's prompts as one task, with this many groups started ahead: the rows' outcomes. */
  private static List<String> oneTask(PipelineConfig replay, int ahead) {
    PipelineConfig config = replay.withRollout(new dev.manimgrpo.core.config.RolloutConfig(replay.rollout().dir(),
        "ahead-" + ahead, 0, replay.rollout().promptsPerStep(), 0, 8, ahead, 0,
        replay.rollout().dynamicSampling(), replay.rollout().loop()));
    List<dev.manimgrpo.core.dataset.ManimBenchSample> samples = dev.manimgrpo.core.rollout.StepPrompts.order(
        dev.manimgrpo.core.spark.ManimBenchLoader.loadCheckedSome(spark, config.dataset()).samples(),
        config.policy().sampling().seed(), 0, config.rollout().promptsPerStep() > 0).subList(0, PROMPTS);
    java.util.ArrayList<RolloutPrompt> task = new java.util.ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      task.add(RolloutPrompt.of(samples.get(i), config.dataset().promptColumn(), i));
    }
    RolloutPartition partition = new RolloutPartition(config, "ahead-" + ahead, 0,
        RolloutPartition.RolloutAccumulators.register(spark.sparkContext()));
    org.apache.spark.sql.types.StructType schema = dev.manimgrpo.core.spark.RolloutShardSparkSchema.fullSchema();
    List<String> out = new java.util.ArrayList<>();
    partition.call(List.of(task).iterator()).forEachRemaining(r -> {
      StringBuilder b = new StringBuilder();
      for (String c : List.of("prompt_id", "rollout_index", "status", "completion_text", "extracted_code", "reward",
          "advantage", "zero_variance", "reward_text", "reward_visual")) {
        b.append(r.get(schema.fieldIndex(c))).append('|');
      }
      out.add(b.toString());
    });
    return out;
  }

  @Test
  void dynamicSamplingDrawsMorePromptsUntilGroupsHaveSpreadAndMarksTheRest() {
    // Training prompts: the starter reproduces most of them exactly, so many groups lack spread.
    PipelineConfig config = RolloutTestConfigs.config(dir.resolve("dapo"), "dapo", 2, 2, Map.of("dataset.split", "train",
        "rollout.dynamic-sampling.enabled", "true", "rollout.dynamic-sampling.oversample", "1.0",
        "rollout.dynamic-sampling.max-rounds", "3"));
    RolloutJob.Outcome o = RolloutJob.run(spark, config, false);
    Dataset<Row> rows = spark.read().parquet(o.partition());
    List<Row> groups = rows.groupBy("group_uid").agg(
        org.apache.spark.sql.functions.max(col("zero_variance").cast("int")).as("zv"),
        org.apache.spark.sql.functions.max(col("dropped_by_filter").cast("int")).as("dropped")).collectAsList();
    // every group without spread is kept as rows and marked; every group with spread is not
    assertThat(groups).allSatisfy(g -> assertThat(g.getInt(1)).isEqualTo(g.getInt(2)));
    long spread = groups.stream().filter(g -> g.getInt(1) == 0).count();
    long dropped = groups.size() - spread;
    assertThat(o.summary().droppedGroups()).isEqualTo(dropped);
    assertThat(o.summary().groupsWithSpread()).isEqualTo(spread);
    // more prompts were drawn exactly when the first round lacked spread, up to 3 rounds of 1 x missing
    if (dropped > 0) {
      assertThat(groups.size()).isGreaterThan(2);
    }
    assertThat(rows.count()).isEqualTo(groups.size() * 2L);
  }

  private static Map<String, String> texts(Dataset<Row> rows) {
    Map<String, String> m = new HashMap<>();
    for (Row r : rows.select("group_uid", "rollout_index", "completion_text").collectAsList()) {
      m.put(r.getString(0) + "/" + r.getInt(1), r.getString(2));
    }
    return m;
  }
}
