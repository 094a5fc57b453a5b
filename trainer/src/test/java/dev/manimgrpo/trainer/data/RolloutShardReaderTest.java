package dev.manimgrpo.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.manimgrpo.core.rollout.RolloutRow;
import dev.manimgrpo.core.rollout.RolloutShardSchema;
import dev.manimgrpo.core.spark.RolloutShardSparkSchema;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Shards written by Spark with the one schema, read back without Spark. */
class RolloutShardReaderTest {

  static SparkSession spark;
  @TempDir Path dir;
  final RolloutShardReader reader = new RolloutShardReader(new Configuration());

  @BeforeAll
  static void start() {
    spark = LocalSpark.start();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static List<RolloutRow> rows(String runId) {
    return List.of(
        new RolloutRow(runId, 7, "mb-aaaaaaaaaaaa", "g-1", 0, new int[] {101, 7, 2}, new int[] {5, 6, 7, 8},
            new float[] {-0.5f, -1.25f, -3.0e-7f, -12.75f}, "from manim import *\nclass A(Scene): ...", "rendered",
            null, 0.75, 0.5, 1.0, 0.8125, 1.2247, false, "s3a://ckpt/run/step-000007"),
        new RolloutRow(runId, 7, "mb-aaaaaaaaaaaa", "g-1", 1, new int[] {101, 7, 2}, new int[] {9},
            null, "print('é ✓')", "syntax_error", "SyntaxError: invalid syntax (line 1)",
            0.1, null, null, 0.0, -1.2247, false, null),
        new RolloutRow(runId, 7, "mb-bbbbbbbbbbbb", "g-2", 0, new int[] {101, 9}, new int[0],
            new float[0], "", "sampling_error", "CUDA out of memory", null, null, null, 0.0, 0.0, true, null));
  }

  private Dataset<Row> frame(List<RolloutRow> rows) {
    return spark.createDataFrame(rows.stream().map(RolloutShardSparkSchema::toRow).toList(), RolloutShardSparkSchema.sparkSchema());
  }

  @Test
  void aSparkWrittenShardReadsBackWithEqualValues() throws Exception {
    Path shard = dir.resolve("shard");
    frame(rows("run-1")).repartition(2).write().parquet(shard.toString());
    assertThat(shard.resolve("_SUCCESS")).exists();

    RolloutShardReader.Contents c = reader.read(shard.toUri());
    assertThat(c.badRows()).isEmpty();
    assertThat(c.rows()).containsExactlyInAnyOrderElementsOf(rows("run-1"));
    assertThat(c.files()).isNotEmpty().allMatch(f -> f.endsWith(".parquet"));
    assertThat(reader.readAll(shard.toUri())).hasSize(3);
    assertThat(RolloutShardReader.isComplete(shard.toUri(), new Configuration())).isTrue();
    // also as a file:// URI string and as a single part file
    assertThat(reader.readAll(java.net.URI.create("file://" + shard))).hasSize(3);
    Path part = partFiles(shard).get(0);
    assertThat(reader.readAll(part.toUri())).isNotEmpty();
  }

  @Test
  void theFileSchemaIsTheOneTheTrainerExpects() throws Exception {
    Path shard = dir.resolve("shard");
    frame(rows("run-1")).coalesce(1).write().parquet(shard.toString());
    MessageType file;
    try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(partFiles(shard).get(0).toUri()), new Configuration()))) {
      file = r.getFooter().getFileMetaData().getSchema();
    }
    // Spark keeps the declared nullability, so the whole schema matches, not just the types
    assertThat(file.toString()).isEqualTo(RolloutShardParquetSchema.expected().toString());
  }

  @Test
  void partitionFoldersSupplyTheirColumn() throws Exception {
    Path shard = dir.resolve("partitioned");
    String odd = "run:2 a/b=c%";
    Stream.of("run-1", odd).map(r -> frame(rows(r))).reduce(Dataset::union).orElseThrow()
        .write().partitionBy(RolloutShardSchema.RUN_ID).parquet(shard.toString());
    try (Stream<Path> s = Files.list(shard)) {
      assertThat(s.map(p -> p.getFileName().toString())).contains("run_id=run-1");
    }
    List<RolloutRow> read = reader.readAll(shard.toUri());
    assertThat(read).containsExactlyInAnyOrderElementsOf(Stream.concat(rows("run-1").stream(), rows(odd).stream()).toList());
  }

  @Test
  void sparksLegacyListLayoutIsReadToo() throws Exception {
    Path shard = dir.resolve("legacy");
    spark.conf().set("spark.sql.parquet.writeLegacyFormat", "true");
    try {
      frame(rows("run-1")).write().parquet(shard.toString());
    } finally {
      spark.conf().unset("spark.sql.parquet.writeLegacyFormat");
    }
    assertThat(reader.readAll(shard.toUri())).containsExactlyInAnyOrderElementsOf(rows("run-1"));
  }

  @Test
  void aSchemaMismatchNamesTheFileTheColumnsAndTheFix() {
    Path shard = dir.resolve("wrong");
    frame(rows("run-1")).withColumn("step", functions.col("step").cast("string")).drop("advantage")
        .withColumn("old_logprobs", functions.col("old_logprobs").cast("array<double>"))
        .coalesce(1).write().parquet(shard.toString());
    assertThatThrownBy(() -> reader.read(shard.toUri()))
        .isInstanceOf(RolloutShardFormatException.class)
        .hasMessageContaining("rollout shard file file:" + shard)
        .hasMessageContaining(".parquet")
        .hasMessageContaining("column 'step' is 'required binary step (STRING)' but the rollout shard wants int")
        .hasMessageContaining("has no column 'advantage'")
        .hasMessageContaining("column 'old_logprobs' is 'optional group old_logprobs (LIST) { repeated group list {"
            + " optional double element; } }'").hasMessageContaining("physical type DOUBLE, expected FLOAT")
        .hasMessageContaining("RolloutShardSparkSchema.sparkSchema()");
  }

  @Test
  void badRowsAreReportedByFileRowAndColumn() throws Exception {
    // a writer that bypassed RolloutRow: every column nullable, rows built by hand
    StructType loose = new StructType(Stream.of(RolloutShardSparkSchema.sparkSchema().fields())
        .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata())).toArray(StructField[]::new));
    List<Row> raw = new java.util.ArrayList<>(rows("run-1").stream().map(RolloutShardSparkSchema::toRow).toList());
    Object[] noReward = rowValues(raw.get(0));
    noReward[RolloutShardSchema.names().indexOf("reward")] = null;
    Object[] shortLogprobs = rowValues(raw.get(0));
    shortLogprobs[RolloutShardSchema.names().indexOf("old_logprobs")] =
        scala.jdk.javaapi.CollectionConverters.asScala(List.of(-1.0f)).toList();
    raw.add(RowFactory.create(noReward));
    raw.add(RowFactory.create(shortLogprobs));
    Path shard = dir.resolve("bad");
    spark.createDataFrame(raw, loose).coalesce(1).write().parquet(shard.toString());

    RolloutShardReader.Contents c = reader.read(shard.toUri());
    assertThat(c.rows()).hasSize(3);
    assertThat(c.badRows()).extracting(RolloutShardReader.BadRow::row, RolloutShardReader.BadRow::field)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, "reward"), org.assertj.core.groups.Tuple.tuple(4L, "old_logprobs"));
    assertThat(c.badRows().get(0).file()).endsWith(".parquet");
    assertThatThrownBy(() -> reader.readAll(shard.toUri()))
        .isInstanceOf(RolloutShardFormatException.class)
        .hasMessageContaining("2 bad row(s) of 5")
        .hasMessageContaining(".parquet row 3: column 'reward' is null")
        .hasMessageContaining(".parquet row 4: column 'old_logprobs' has 1 values but completion_token_ids has 4");
  }

  @Test
  void aMissingOrEmptyShardSaysSo() throws Exception {
    assertThatThrownBy(() -> reader.read(dir.resolve("nope").toUri()))
        .isInstanceOf(FileNotFoundException.class).hasMessageContaining("no Parquet file or folder at");
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> reader.read(dir.resolve("empty").toUri()))
        .isInstanceOf(RolloutShardFormatException.class).hasMessageContaining("holds no data files");
    assertThat(RolloutShardReader.isComplete(dir.resolve("empty").toUri(), new Configuration())).isFalse();
  }

  @Test
  void partitionValuesAreUnescapedLikeSparkEscapesThem() {
    assertThat(ParquetFiles.unescape("run%3A2 a%2Fb%3Dc%25")).isEqualTo("run:2 a/b=c%");
    assertThat(ParquetFiles.unescape("100%")).isEqualTo("100%");
  }

  private static Object[] rowValues(Row r) {
    Object[] v = new Object[r.length()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.get(i);
    }
    return v;
  }

  private static List<Path> partFiles(Path shard) throws Exception {
    try (Stream<Path> s = Files.list(shard)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
    }
  }

  /** A full shard as the rollout job writes it (every column), with these provenance flags. */
  private Dataset<Row> fullFrame(List<RolloutRow> rows, boolean reproducible, String policyId) {
    List<Row> full = rows.stream().map(r -> RolloutShardSparkSchema.toFullRow(new dev.manimgrpo.core.rollout.RolloutRecord(r,
        new dev.manimgrpo.core.rollout.RolloutDetails("draw a circle", "from manim import *", "train", "Basic",
            r.completionText(), "fenced_python", "stop", null, null, List.of(), null, 0.5, null, false, 0.2, 0.4, 1.0, null,
            null, "content", 10, 10, 0.1, 0.2, 0.01, policyId, "0.21.0", 42L, reproducible, false)), 0)).toList();
    return spark.createDataFrame(full, RolloutShardSparkSchema.fullSchema());
  }

  @Test
  void aFullShardOfTheRolloutJobReadsInAPartitionFolder() throws Exception {
    Path table = dir.resolve("rollouts");
    fullFrame(rows("run-9"), true, "dl4j:bundled").drop("run_id", "step").write()
        .parquet(table.resolve("run_id=run-9").resolve("step=7").toString());
    // the partition folder itself: run_id and step come from its own path
    List<RolloutRow> back = reader.readAll(table.resolve("run_id=run-9").resolve("step=7").toUri());
    assertThat(back).containsExactlyInAnyOrderElementsOf(rows("run-9"));
  }

  @Test
  void rowsWhoseTokensThisTrainerCannotReproduceAreRefusedWithTheReason() {
    Path shard = dir.resolve("openai-shard");
    fullFrame(rows("run-8"), false, "openai:qwen@http://127.0.0.1:8080/v1").write().parquet(shard.toString());
    assertThatThrownBy(() -> reader.readAll(shard.toUri()))
        .isInstanceOf(RolloutShardFormatException.class)
        .hasMessageContaining("openai:qwen@http://127.0.0.1:8080/v1")
        .hasMessageContaining("trainer_reproducible = false")
        .hasMessageContaining("policy.backend: dl4j");
  }
}
